/// One metric family in Prometheus's text exposition format (version 0.0.4,
/// https://prometheus.io/docs/instrumenting/exposition_formats/): a name, its
/// `# HELP` and `# TYPE` lines, and its samples.
///
/// Written by hand rather than with swift-server/swift-prometheus: the bot
/// writes a dozen gauges once per run into a file, which needs none of that
/// library's registry, locking or histogram machinery, only the format's
/// escaping rules, which `render` implements and a test checks with
/// Prometheus's own Python parser.
public struct MetricFamily: Sendable, Equatable {
    public enum Kind: String, Sendable { case gauge, counter }

    public struct Sample: Sendable, Equatable {
        /// Label names and values, in the order written.
        public var labels: [Label]
        public var value: Double

        public init(_ labels: [Label] = [], _ value: Double) {
            self.labels = labels
            self.value = value
        }
    }

    public struct Label: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`: the names are the bot's own constants.
    public var name: String
    public var help: String
    public var kind: Kind
    public var samples: [Sample]

    public init(_ name: String, _ kind: Kind = .gauge, help: String, samples: [Sample]) {
        self.name = name
        self.kind = kind
        self.help = help
        self.samples = samples
    }

    /// The families as an exposition-format text.
    public static func render(_ families: [MetricFamily]) -> String {
        var lines: [String] = []
        for family in families {
            lines.append("# HELP \(family.name) \(escapeHelp(family.help))")
            lines.append("# TYPE \(family.name) \(family.kind.rawValue)")
            for sample in family.samples {
                let labels = sample.labels.map { "\($0.name)=\"\(escapeLabelValue($0.value))\"" }
                let braces = labels.isEmpty ? "" : "{" + labels.joined(separator: ",") + "}"
                lines.append("\(family.name)\(braces) \(format(sample.value))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// In a label value, backslash, double quote and line feed are escaped
    /// as `\\`, `\"` and `\n`; everything else is written as it is, in UTF-8.
    static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// In HELP text, only backslash and line feed are escaped.
    static func escapeHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Whole numbers without a fraction; `NaN`, `+Inf` and `-Inf` as the format spells them.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
