public import ArgumentParser
public import WachterCore

extension AccountKind: ExpressibleByArgument {}
extension ExportFormat: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}
