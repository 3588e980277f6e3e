import Foundation
import TestSupport
import Testing

/// The deployment examples in deploy/ and the Dockerfile (issue 9, item 8),
/// each checked by the tool that reads it where one exists: crontab -n,
/// systemd-analyze verify, the Kubernetes schemas; and each command line in
/// them accepted by the real `meetingbot`.
@Suite struct DeploymentTests {
    static let root = SharedFiles.packageRoot
    static let deploy = root.appendingPathComponent("deploy")

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Runs `meetingbot` with `arguments` whose configuration file is missing:
    /// exit 2 naming that file means the command line itself was accepted
    /// (a command line error exits 64).
    static func expectAccepted(_ arguments: [String], _ source: String) throws {
        var arguments = arguments
        let missing = "/nonexistent/meetingbot-\(UUID().uuidString)/config.yml"
        let config = try #require(arguments.firstIndex(of: "--config"), "\(source) names --config")
        arguments[config + 1] = missing
        let run = try ChildProcess.run(HelpTests.binary.path, arguments)
        #expect(run.status == 2 && run.error.contains(missing), "\(source): \(arguments) -> \(run.status) \(run.error)")
    }

    /// A scratch folder for this test.
    static func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    // MARK: cron

    @Test func theCrontabPassesCronsCheckAndItsCommandRuns() throws {
        let crontab = Self.deploy.appendingPathComponent("crontab")
        try #require(TestEnvironment.runs(needing: FileManager.default.isExecutableFile(atPath: "/usr/bin/crontab")))
        let checked = try ChildProcess.run("/usr/bin/crontab", ["-n", crontab.path])
        #expect(checked.status == 0, "\(checked.output) \(checked.error)")
        // The check can fail: minute 61 is refused.
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("crontab")
        try Self.text("deploy/crontab").replacingOccurrences(of: "*/5 * * * *", with: "61 * * * *")
            .write(to: broken, atomically: true, encoding: .utf8)
        #expect(try ChildProcess.run("/usr/bin/crontab", ["-n", broken.path]).status != 0)

        // Not comments, nor variables such as MAILTO=.
        let jobs = try Self.text("deploy/crontab").split(separator: "\n").filter {
            !$0.hasPrefix("#") && $0.first?.isUppercase != true
        }
        #expect(jobs.count == 1, "\(jobs)")
        let line = try #require(jobs.first)
        let command = line.split(separator: " ", maxSplits: 5).last.map(String.init) ?? ""
        // Cron runs the command with /bin/sh; here meetingbot is the built binary, and the
        // missing configuration makes it exit 2, which the line must report.
        let local = command.replacingOccurrences(of: "/usr/local/bin/meetingbot", with: HelpTests.binary.path)
            .replacingOccurrences(of: "/etc/meetingbot/config.yml", with: "/nonexistent/config.yml")
        let run = try ChildProcess.run("/bin/sh", ["-c", local])
        #expect(run.error.contains("meetingbot run exited with status 2"), "\(run.error)")
        #expect(command.contains("--output /var/lib/meetingbot/"))
        try Self.expectAccepted(
            command.split(separator: ";").first.map { $0.split(separator: " ").dropFirst().map(String.init) } ?? [],
            "deploy/crontab")
    }

    // MARK: systemd

    @Test func theSystemdUnitsVerify() throws {
        try #require(
            TestEnvironment.runs(needing: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        // verify checks that ExecStart's program exists: the built one stands in for /usr/local/bin's.
        let service = try Self.text("deploy/meetingbot.service")
        try service.replacingOccurrences(
            of: "ExecStart=/usr/local/bin/meetingbot", with: "ExecStart=\(HelpTests.binary.path)"
        )
        .write(to: folder.appendingPathComponent("meetingbot.service"), atomically: true, encoding: .utf8)
        try Self.text("deploy/meetingbot.timer").write(
            to: folder.appendingPathComponent("meetingbot.timer"), atomically: true, encoding: .utf8)
        let units = ["meetingbot.service", "meetingbot.timer"].map { folder.appendingPathComponent($0).path }
        let verified = try ChildProcess.run("/usr/bin/systemd-analyze", ["verify"] + units)
        // An unknown key is only a warning: any output at all is a failure.
        #expect(verified.status == 0 && verified.output.isEmpty && verified.error.isEmpty, "\(verified.error)")
        // The check can fail: a misspelt key is reported.
        try service.replacingOccurrences(of: "Type=oneshot", with: "Tpye=oneshot")
            .write(to: folder.appendingPathComponent("meetingbot.service"), atomically: true, encoding: .utf8)
        let misspelt = try ChildProcess.run("/usr/bin/systemd-analyze", ["verify"] + units)
        #expect(misspelt.error.contains("Unknown key 'Tpye'"), "\(misspelt.error)")

        #expect(service.contains("\nUser=meetingbot\n") && service.contains("\nSuccessExitStatus=75\n"))
        #expect(service.contains("\nStateDirectory=meetingbot\n"))
        let exec = try #require(service.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        try Self.expectAccepted(exec.split(separator: " ").dropFirst().map(String.init), "meetingbot.service")
    }

    // MARK: Kubernetes

    struct Checked: Decodable {
        struct CronJob: Decodable {
            var file: String
            var name: String
            var args: [String]
            var shards: Int?
            var runAsUser: Int?
        }
        var problems: [String]
        var cronjobs: [CronJob]
    }

    @Test func theKubernetesCronJobsValidateAndTheirArgumentsRun() throws {
        try #require(TestEnvironment.runs(needing: FileManager.default.isExecutableFile(atPath: ChildProcess.python)))
        let files = ["deploy/cronjob.yaml", "deploy/indexed-cronjob.yaml"]
        let run = try ChildProcess.run(
            ChildProcess.python, ["Tests/Tools/check_kubernetes.py"] + files, in: Self.root)
        #expect(run.status == 0, "\(run.error)")
        let checked = try JSONDecoder().decode(Checked.self, from: Data(run.output.utf8))
        #expect(checked.problems.isEmpty, "\(checked.problems.joined(separator: "\n"))")
        #expect(checked.cronjobs.map(\.file) == files)
        let plain = try #require(checked.cronjobs.first)
        #expect(plain.shards == nil)
        try Self.expectAccepted(plain.args, plain.file)
        let indexed = try #require(checked.cronjobs.last)
        let shards = try #require(indexed.shards, "the indexed example is an Indexed Job")
        // Each pod's arguments, with Kubernetes' expansion of $(SHARD) to its index.
        for index in 0..<shards {
            try Self.expectAccepted(
                indexed.args.map { $0.replacingOccurrences(of: "$(SHARD)", with: "\(index)") }, "pod \(index)")
        }
        // The pods run as the image's user.
        let uid = try Self.dockerfileUser()
        #expect(checked.cronjobs.allSatisfy { $0.runAsUser == uid })
    }

    // MARK: Docker

    /// The runtime stage's `apt-get install` packages.
    static func runtimePackages(_ dockerfile: String) throws -> Set<String> {
        let runtime = try #require(stages(dockerfile).last)
        let install = try #require(runtime.range(of: "apt-get install"))
        let line = runtime[install.upperBound...].prefix { $0 != "&" && $0 != "\n" }
        return Set(line.split(separator: " ").filter { !$0.hasPrefix("-") && $0 != "\\" }.map(String.init))
    }

    /// The stages, each from the image after its FROM (the file starts with comments).
    static func stages(_ dockerfile: String) -> [String] {
        Array(dockerfile.components(separatedBy: "\nFROM ").dropFirst())
    }

    static func dockerfileUser() throws -> Int {
        let dockerfile = try text("Dockerfile")
        let useradd = try #require(dockerfile.range(of: "--uid "))
        return try #require(Int(dockerfile[useradd.upperBound...].prefix { $0.isNumber }))
    }

    /// setup.sh's apt packages for the build.
    static func setupPackages() throws -> [String] {
        let script = try text("scripts/setup.sh")
        let start = try #require(script.range(of: "packages=("))
        return script[start.upperBound...].prefix { $0 != ")" }.split(separator: " ").map(String.init)
    }

    @Test func theDockerfileBuildsWithSetupAndRunsAsNonRoot() throws {
        let dockerfile = try Self.text("Dockerfile")
        let stages = Self.stages(dockerfile)
        #expect(stages.count == 2, "multi-stage: a build stage and a runtime stage")
        #expect(stages.first?.contains("bash scripts/setup.sh") == true, "the build stage runs the tested set-up")
        #expect(stages.last?.hasPrefix("debian:bookworm-slim") == true)
        #expect(try Self.dockerfileUser() != 0)
        #expect(stages.last?.contains("\nUSER meetingbot\n") == true)
        #expect(stages.last?.contains("COPY --from=build /out/meetingbot /usr/local/bin/meetingbot") == true)
        // `COPY . .` must not send the local build or the test tools into the image.
        let ignored = try Self.text(".dockerignore").split(separator: "\n")
        #expect(ignored.contains(".build") && ignored.contains(".venv"))
    }

    /// The runtime image holds the libraries the binary links and no others:
    /// the Debian packages of its direct dependencies (readelf, ldd,
    /// dpkg -S), less what debian:bookworm-slim has, plus CA certificates;
    /// and each is what one of setup.sh's -dev packages builds against.
    @Test func theRuntimePackagesAreWhatTheBinaryLinks() throws {
        try #require(TestEnvironment.runs(needing: FileManager.default.isExecutableFile(atPath: "/usr/bin/readelf")))
        let binary = HelpTests.binary.path
        let needed = try ChildProcess.run("/usr/bin/readelf", ["-d", binary]).output.split(separator: "\n").compactMap {
            line -> String? in
            guard line.contains("(NEEDED)"), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]")
            else { return nil }
            return String(line[line.index(after: open)..<close])
        }
        #expect(needed.contains("libcurl.so.4"), "\(needed)")
        let resolved = try ChildProcess.run("/usr/bin/ldd", [binary]).output.split(separator: "\n")
        var packages: Set<String> = []
        for library in needed {
            guard
                let line = resolved.first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(library + " => ") }
                ),
                let path = line.split(separator: " ").first(where: { $0.hasPrefix("/") })
            else { continue }
            let real = URL(fileURLWithPath: String(path)).resolvingSymlinksInPath().path
            let owner = try ChildProcess.run("/usr/bin/dpkg", ["-S", real])
            // The toolchain's Swift libraries belong to no package; the release build links them statically.
            guard owner.status == 0, let package = owner.output.split(separator: ":").first else { continue }
            packages.insert(String(package))
        }
        // In debian:bookworm-slim already (Priority: required).
        let base: Set<String> = ["libc6", "libgcc-s1", "libstdc++6"]
        let runtime = try Self.runtimePackages(try Self.text("Dockerfile"))
        #expect(runtime == packages.subtracting(base).union(["ca-certificates"]), "links \(packages.sorted())")

        let setup = try Self.setupPackages()
        for package in runtime.subtracting(["ca-certificates"]) {
            let builtAgainst = try setup.filter { $0.hasSuffix("-dev") }.contains { dev in
                try ChildProcess.run("/usr/bin/apt-cache", ["depends", dev]).output.contains("Depends: \(package)\n")
            }
            #expect(builtAgainst, "no package of setup.sh builds against \(package)")
        }
    }
}
