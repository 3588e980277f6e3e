/// A scan of the raw bytes for a start tag with too many attributes, made
/// before libxml2 sees them: libxml2 2.9 compares each attribute of a tag with
/// all the earlier ones, so such a tag costs time quadratic in its size (80,000
/// attributes in 800 KB take 15 s) and no callback comes before it is read.
enum AttributeCount {
    /// The line of the first start tag with more than `limit` attributes. It
    /// counts the `=` signs outside quotes between a `<` that opens a start tag
    /// (not `</`, `<!` or `<?`) and its `>`; attribute values cannot hold `<`,
    /// so a tag ends at the next `<` at the latest, and the scan is linear.
    static func firstTag(in bytes: UnsafeRawBufferPointer, over limit: Int) -> Int? {
        let lt = UInt8(ascii: "<")
        let gt = UInt8(ascii: ">")
        let equals = UInt8(ascii: "=")
        let newline = UInt8(ascii: "\n")
        let doubleQuote = UInt8(ascii: "\"")
        let singleQuote = UInt8(ascii: "'")
        let notStartTags: Set<UInt8> = [UInt8(ascii: "/"), UInt8(ascii: "!"), UInt8(ascii: "?")]
        var line = 1
        var tagLine = 1
        var inTag = false
        var quote: UInt8?
        var count = 0
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == newline { line += 1 }
            if byte == lt {
                quote = nil
                inTag = i + 1 < bytes.count && !notStartTags.contains(bytes[i + 1])
                count = 0
                tagLine = line
            } else if let q = quote {
                if byte == q { quote = nil }
            } else if inTag {
                switch byte {
                case gt: inTag = false
                case doubleQuote, singleQuote: quote = byte
                case equals:
                    count += 1
                    if count > limit { return tagLine }
                default: break
                }
            }
            i += 1
        }
        return nil
    }
}
