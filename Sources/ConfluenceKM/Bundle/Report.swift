/// `report.json`: what was converted, what was skipped and why, and every diagnostic.
public struct ConversionReport: Codable, Sendable, Equatable {
    public var converted: [String: Int]
    public var skipped: [String: Int]
    public var diagnostics: [Diagnostic]
    public var summary: [String: Int]

    public init(converted: [String: Int], skipped: [String: Int], diagnostics: [Diagnostic]) {
        self.converted = converted
        self.skipped = skipped
        self.diagnostics = diagnostics
        var summary = ["errors": 0, "warnings": 0, "info": 0]
        for d in diagnostics {
            switch d.severity {
            case .error: summary["errors"]! += 1
            case .warning: summary["warnings"]! += 1
            case .info: summary["info"]! += 1
            }
        }
        self.summary = summary
    }
}

/// `manifest.json`: every file of the bundle with its size and SHA-256, the tool, and the export descriptor.
public struct Manifest: Codable, Sendable, Equatable {
    public struct Tool: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
    }
    public struct Export: Codable, Sendable, Equatable {
        public var descriptor: [String: String]
    }
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var bytes: Int64
        public var sha256: String
    }
    public var formatVersion: Int
    public var tool: Tool
    public var export: Export
    public var files: [File]
}
