import Foundation

/// The metrics file for node_exporter's textfile collector
/// (https://github.com/prometheus/node_exporter#textfile-collector): replaced
/// whole (FileReplacement), so that the collector never reads half a file; the
/// temporary name does not end in `.prom`, so the collector never reads it.
public enum MetricsFile {
    /// Writes `metrics` to `path`.
    public static func write(_ metrics: Metrics, to path: String) throws {
        do {
            // Readable by node_exporter's user, whatever the bot's umask (systemd's UMask=0077).
            try FileReplacement.write(to: path, permissions: 0o644) { write in
                try write(Data(MetricFamily.render(metrics.families).utf8))
            }
        } catch let error as FileReplacementError {
            throw MetricsFileError(path: path, reason: error.reason)
        } catch {
            throw MetricsFileError(path: path, reason: "\(error)")
        }
    }

    /// The last success that the file at `path` records, if it is there and
    /// says one: kept when a run fails, so that an alert on its age fires.
    public static func lastSuccess(in path: String) -> Date? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard line.hasPrefix(Metrics.lastSuccessName) else { continue }
            let rest = line.dropFirst(Metrics.lastSuccessName.count)
            guard rest.first == " " || rest.first == "{" else { continue }
            // The value is the last field: the bot writes no timestamps.
            if let seconds = rest.split(separator: " ").last.flatMap({ Double($0) }) {
                return Date(timeIntervalSince1970: seconds)
            }
        }
        return nil
    }

    /// The file a shard writes when the configuration names `path`: the
    /// shard's name goes before the extension (`meetingbot.prom` becomes
    /// `meetingbot.shard-0-of-4.prom`), so that shards on one host keep
    /// separate files in one textfile directory.
    public static func path(_ path: String, for shard: Shard?) -> String {
        guard let shard else { return path }
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension
        let base = url.deletingPathExtension().lastPathComponent
        let name = base + "." + shard.directoryName + (ext.isEmpty ? "" : "." + ext)
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }
}

/// The metrics file could not be put in place.
public struct MetricsFileError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "the metrics file \(path) cannot be written: \(reason)" }
}
