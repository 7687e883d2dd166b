import PackagePlugin

/// Builds the strength estimator's word table from `policies/wordlists/` at build
/// time, so that no process parses the lists when it starts.
///
/// The order of the lists gives each its dictionary number, and a word listed in
/// several keeps the best rank, the first list winning a tie.
@main
struct WordTables: BuildToolPlugin {
    /// The shipped lists, in dictionary order, with their categories and whether
    /// their order is a ranking (`ranked`) or not (`flat`: every word gets the rank
    /// of the list's middle, what an attacker who tries it all needs on average).
    static let lists: [(name: String, category: String, ranking: String)] = [
        ("passwords", "passwords", "ranked"),
        ("english", "words", "ranked"),
        ("dutch", "words", "ranked"),
        ("names-en", "names", "ranked"),
        ("surnames-en", "names", "ranked"),
        ("names-nl", "names", "ranked"),
        ("surnames-nl", "names", "ranked"),
        ("compounds-nl", "words", "ranked"),
        ("proper-nl", "words", "flat"),
        ("phrases-nl", "words", "flat"),
    ]

    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let directory = context.package.directoryURL.appending(path: "policies/wordlists")
        let inputs = Self.lists.map { directory.appending(path: "\($0.name).txt") }
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltInWordData.swift")
        let arguments =
            [output.path(percentEncoded: false)]
            + zip(Self.lists, inputs).map { "\($0.0.name)=\($0.0.category)=\($0.0.ranking)=\($0.1.path(percentEncoded: false))" }
        return [
            .buildCommand(
                displayName: "Building the word table from policies/wordlists",
                executable: try context.tool(named: "wachter-wordtables").url,
                arguments: arguments, inputFiles: inputs, outputFiles: [output])
        ]
    }
}
