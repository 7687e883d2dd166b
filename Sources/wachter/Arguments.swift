public import ArgumentParser
public import WachterCore

extension AccountKind: ExpressibleByArgument {}
