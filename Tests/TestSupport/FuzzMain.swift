import Foundation

#if FUZZING
    import CLibFuzzer
#endif

/// The main of a fuzz target (`make fuzz`, docs/FUZZING.md). Built with
/// -sanitize=fuzzer and -DFUZZING it hands `check` to libFuzzer, which calls
/// it on every input it makes and records a crash when the check traps on a
/// problem. Built plainly it runs `check` on every file named (or in a folder
/// named) on the command line, such as a crash file libFuzzer wrote, and
/// prints each problem with its file.
public enum FuzzMain {
    public static func run(_ check: @escaping @Sendable ([UInt8]) -> String?) -> Never {
        #if FUZZING
            FuzzTarget.check = check
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(
                LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
                    // A trap is what libFuzzer records as a crash, with the input that caused it.
                    if let problem = FuzzTarget.check?(bytes) { fatalError(problem) }
                    return 0
                })
        #else
            replay(check)
        #endif
    }

    static func replay(_ check: ([UInt8]) -> String?) -> Never {
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            print("usage: \(CommandLine.arguments[0]) FILE-OR-FOLDER…")
            print("(built with -DFUZZING, it is a libFuzzer target instead: see docs/FUZZING.md)")
            exit(2)
        }
        var files: [URL] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            let children = try? FileManager.default.contentsOfDirectory(
                at: url, includingPropertiesForKeys: [.isRegularFileKey])
            // A folder's files, not its subfolders.
            files +=
                children?.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true }
                .sorted { $0.path < $1.path } ?? [url]
        }
        var problems = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.path) else {
                print("\(file.path): cannot be read")
                problems += 1
                continue
            }
            if let problem = check(Array(data)) {
                print("\(file.path): \(problem)")
                problems += 1
            }
        }
        print("\(files.count) inputs, \(problems) problems")
        exit(problems == 0 ? 0 : 1)
    }
}

#if FUZZING
    /// libFuzzer's callback is a C function, which captures nothing: the check waits here.
    enum FuzzTarget {
        nonisolated(unsafe) static var check: (@Sendable ([UInt8]) -> String?)?
    }
#endif
