public import ArgumentParser
public import WachterCore

extension AccountKind: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}
