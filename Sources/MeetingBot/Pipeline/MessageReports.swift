import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A mailbox's message reports, in the order they were handled, kept
/// encoded: a few hundred kilobytes in memory, the rest in an unlinked
/// temporary file. A report held as values is nearly a kilobyte a message
/// (its item id and UID alone are 260 characters), so 50,000 waiting messages
/// would make the reports alone some 40 MB of a run that must stay under
/// 64 MB (PRODUCT.md 9); here they cost 8 bytes each in memory. Reading a
/// report decodes it again; a renderer reads them in order, a few at a time.
///
/// When no temporary file can be made or written (no `/tmp`, a full disk),
/// the reports stay in memory: the run is never failed for its report's sake.
public struct MessageReports: Sendable {
    private var storage = Storage()

    public init() {}

    public init(_ reports: some Sequence<MessageReport>) {
        append(contentsOf: reports)
    }

    public mutating func append(_ report: MessageReport) {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(copying: storage) }
        storage.append(report)
    }

    public mutating func append(contentsOf reports: some Sequence<MessageReport>) {
        for report in reports { append(report) }
    }

    /// How many of the encoded bytes are in the temporary file.
    var bytesInFile: Int { storage.fileSize }
}

extension MessageReports: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }
    public subscript(position: Int) -> MessageReport { storage.report(at: position) }
}

extension MessageReports: ExpressibleByArrayLiteral {
    public init(arrayLiteral reports: MessageReport...) { self.init(reports) }
}

extension MessageReports: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.elementsEqual(rhs) }
}

/// As a list of reports, exactly as `[MessageReport]` is coded.
extension MessageReports: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try [MessageReport](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for report in self { try container.encode(report) }
    }
}

extension MessageReports {
    /// The encoded reports. Only the `MessageReports` value that holds it
    /// alone changes it (`append` copies a shared one first), and reads of
    /// the file are positioned (`pread`), so sharing it across tasks is safe.
    fileprivate final class Storage: @unchecked Sendable {
        /// Encoded reports not yet in the file; the file is written past this.
        private static let spillSize = 256 * 1024

        /// Where each report starts, counting the file's bytes and then the buffer's.
        private var starts: [Int] = []
        private var buffer: [UInt8] = []
        private var file: UnsafeMutablePointer<FILE>?
        private(set) var fileSize = 0
        /// Set when the file could not be made or written: everything stays in `buffer`.
        private var inMemoryOnly = false

        init() {}

        init(copying other: Storage) {
            for index in 0..<other.count { append(other.report(at: index)) }
        }

        deinit {
            if let file { fclose(file) }
        }

        var count: Int { starts.count }

        func append(_ report: MessageReport) {
            starts.append(fileSize + buffer.count)
            ReportCoding.encode(report, into: &buffer)
            if buffer.count >= Self.spillSize, !inMemoryOnly { spill() }
        }

        func report(at index: Int) -> MessageReport {
            let start = starts[index]
            let end = index + 1 < starts.count ? starts[index + 1] : fileSize + buffer.count
            let decoded: MessageReport?
            if start >= fileSize {
                decoded = buffer[(start - fileSize)..<(end - fileSize)].withUnsafeBytes(ReportCoding.decode)
            } else {
                var bytes = [UInt8](repeating: 0, count: end - start)
                let read = bytes.withUnsafeMutableBytes { pread(fileno(file), $0.baseAddress, $0.count, off_t(start)) }
                decoded = read == bytes.count ? bytes.withUnsafeBytes(ReportCoding.decode) : nil
            }
            // The bytes are this process's own; should the file fail to give them back, the report says so.
            return decoded
                ?? MessageReport(
                    itemId: "", kind: "unknown", action: "none",
                    reason: "this message's report could not be read back from its temporary file",
                    result: .failed, detail: "the run's journal has the decision")
        }

        /// Moves the buffer to the end of the file; on any failure keeps it, and everything after it, in memory.
        private func spill() {
            if file == nil { file = tmpfile() }
            guard let file else {
                inMemoryOnly = true
                return
            }
            let written = buffer.withUnsafeBytes { pwrite(fileno(file), $0.baseAddress, $0.count, off_t(fileSize)) }
            guard written == buffer.count else {
                inMemoryOnly = true
                return
            }
            fileSize += written
            buffer.removeAll(keepingCapacity: true)
        }
    }
}

/// A report as bytes: strings as their UTF-8 length and bytes, dates as
/// their 8 bytes, optional values behind a byte saying whether they are
/// there. Only this process reads them back, so the layout has no version.
private enum ReportCoding {
    static func encode(_ report: MessageReport, into bytes: inout [UInt8]) {
        bytes.put(report.itemId)
        bytes.put(report.kind)
        bytes.put(report.subject)
        bytes.put(report.organizer)
        bytes.put(report.from)
        bytes.put(report.start)
        bytes.put(report.end)
        bytes.put(report.uid)
        bytes.put(report.recurrenceId)
        bytes.put(report.sequence)
        bytes.put(report.received)
        bytes.put(report.rule)
        bytes.put(report.action)
        bytes.put(report.reason)
        bytes.put(report.result.rawValue)
        bytes.put(report.detail)
        bytes.put(report.occurrencesChecked)
        bytes.put(report.conflicts)
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> MessageReport? {
        var reader = Reader(bytes: bytes)
        guard let itemId = reader.string(), let kind = reader.string(), let subject = reader.string(),
            let organizer = reader.optional({ $0.string() }), let from = reader.optional({ $0.string() }),
            let start = reader.optional({ $0.date() }), let end = reader.optional({ $0.date() }),
            let uid = reader.optional({ $0.string() }), let recurrenceId = reader.optional({ $0.date() }),
            let sequence = reader.optional({ $0.integer() }), let received = reader.optional({ $0.date() }),
            let rule = reader.optional({ $0.string() }), let action = reader.string(), let reason = reader.string(),
            let result = reader.string().flatMap(MessageReport.Result.init(rawValue:)),
            let detail = reader.optional({ $0.string() }), let occurrencesChecked = reader.optional({ $0.integer() }),
            let conflicts = reader.optional({ $0.integer() }), reader.isAtEnd
        else { return nil }
        return MessageReport(
            itemId: itemId, kind: kind, subject: subject, organizer: organizer, from: from, start: start, end: end,
            uid: uid, recurrenceId: recurrenceId, sequence: sequence, received: received, rule: rule,
            action: action, reason: reason, result: result, detail: detail,
            occurrencesChecked: occurrencesChecked, conflicts: conflicts)
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        var isAtEnd: Bool { position == bytes.count }

        mutating func number() -> UInt64? {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 7) {
                guard position < bytes.count else { return nil }
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7F) << UInt64(shift)
                if byte < 0x80 { return value }
            }
            return nil
        }

        mutating func string() -> String? {
            guard let length = number().flatMap(Int.init(exactly:)), length <= bytes.count - position else {
                return nil
            }
            defer { position += length }
            return String(decoding: bytes[position..<(position + length)], as: UTF8.self)
        }

        mutating func integer() -> Int? { number().map { Int(truncatingIfNeeded: Int64(bitPattern: $0)) } }

        mutating func date() -> Date? {
            guard bytes.count - position >= 8 else { return nil }
            defer { position += 8 }
            let bits = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            return Date(timeIntervalSinceReferenceDate: Double(bitPattern: bits))
        }

        /// `.some(nil)` for a value marked absent, nil for bytes that end too soon.
        mutating func optional<T>(_ read: (inout Self) -> T?) -> T?? {
            guard position < bytes.count else { return nil }
            position += 1
            guard bytes[position - 1] == 1 else { return .some(nil) }
            return read(&self).map { .some($0) }
        }
    }
}

extension [UInt8] {
    fileprivate mutating func put(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        append(UInt8(value))
    }

    fileprivate mutating func put(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            put(UInt64(utf8.count))
            append(contentsOf: utf8)
        }
    }

    fileprivate mutating func put(_ value: Int) { put(UInt64(bitPattern: Int64(value))) }

    fileprivate mutating func put(_ date: Date) {
        Swift.withUnsafeBytes(of: date.timeIntervalSinceReferenceDate.bitPattern.littleEndian) {
            append(contentsOf: $0)
        }
    }

    fileprivate mutating func put(_ string: String?) { put(string) { $0.put($1) } }
    fileprivate mutating func put(_ value: Int?) { put(value) { $0.put($1) } }
    fileprivate mutating func put(_ date: Date?) { put(date) { $0.put($1) } }

    private mutating func put<T>(_ value: T?, _ put: (inout Self, T) -> Void) {
        append(value == nil ? 0 : 1)
        if let value { put(&self, value) }
    }
}
