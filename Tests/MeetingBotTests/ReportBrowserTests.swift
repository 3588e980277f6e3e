import Foundation
import MeetingBot
import TestSupport
import Testing

/// The HTML report in a real browser: Debian's Chromium, headless, on a
/// file:// page, in a network namespace of its own when it can have one (so
/// nothing leaves the machine), else with every host name unresolvable.
enum Chromium {
    static let path = "/usr/bin/chromium"
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// `unshare --net` (root): a namespace with a loopback and nothing else.
    static let isolation: [String] = {
        (try? ReportTools.run("/usr/bin/unshare", ["--net", "/bin/true"]))?.status == 0 ? ["--net", "--"] : []
    }()

    /// Loads `page` with `arguments` (`--dump-dom`, `--print-to-pdf=…`, `--screenshot=…`); its console is on stderr.
    static func load(_ page: URL, _ arguments: [String], width: Int = 1280) throws -> ReportTools.Output {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("meetingbot-chromium-\(UUID())")
        defer { try? FileManager.default.removeItem(at: profile) }
        let flags = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
            "--window-size=\(width),1000",
        ]
        // A browser that hangs is stopped after two minutes rather than holding the suite.
        let command = ["120"] + (isolation.isEmpty ? [] : ["/usr/bin/unshare"] + isolation) + [path] + flags
        let output = try ReportTools.run("/usr/bin/timeout", command + arguments + [page.absoluteString])
        guard output.status == 0 else { throw ReportTools.Failure(description: "chromium failed: \(output.stderr)") }
        return output
    }

    /// What the page wrote to the console: every message, since the page has no script (errors, CSP
    /// refusals). Chromium's own pages (chrome://) log too, and are not the report's.
    static func console(_ output: ReportTools.Output) -> [String] {
        output.stderr.split(separator: "\n").map(String.init).filter {
            $0.contains(":CONSOLE") && $0.contains("source: file://")
        }
    }
}

@Suite(.enabled(if: TestEnvironment.runs(needing: Chromium.isInstalled), "chromium is not installed"))
struct ReportBrowserTests {
    let folder: TemporaryFolder

    init() throws { folder = try TemporaryFolder() }

    func page(_ html: String, _ name: String = "report.html") throws -> URL {
        URL(fileURLWithPath: try folder.write(name, html, mode: 0o644))
    }

    /// The requests whose meeting starts in the four weeks from the run's start day: each has its bar.
    static func requestsShown(_ report: RunReport) -> Int {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(secondsFromGMT: 0) ?? utc.timeZone
        let day = utc.startOfDay(for: report.startedAt)
        let end = day.addingTimeInterval(28 * 86_400)
        return report.messages.filter { m in m.kind == "request" && m.start.map { $0 >= day && $0 < end } == true }
            .count
    }

    static func bars(_ dom: String) -> Int { dom.components(separatedBy: "<div class=\"bar ").count - 1 }

    @Test(arguments: ["run", "dry-run"])
    func loadsQuietlyWithOneBarPerRequest(_ sample: String) throws {
        let report = try #require(ReportSamples.all.first { $0.name == sample }?.report)
        let output = try Chromium.load(try page(HTMLReport().render(report)), ["--dump-dom"])
        #expect(Chromium.console(output) == [])
        #expect(output.text.contains("<h2>room@contoso.com "))
        #expect(Self.bars(output.text) == Self.requestsShown(report))
        #expect(Self.requestsShown(report) == 19)
    }

    /// The console check sees what a page does wrong: a script error, and a load the policy refuses.
    @Test func theConsoleCheckSeesErrors() throws {
        let html = HTMLReport().render(ReportSamples.run)
        let broken = html.replacingOccurrences(of: "</body>", with: "<img src=\"logo.png\"></body>")
        let refused = Chromium.console(try Chromium.load(try page(broken, "broken.html"), ["--dump-dom"]))
        #expect(refused.contains { $0.contains("logo.png") && $0.contains("Content Security Policy") }, "\(refused)")
        let scripted = html.replacingOccurrences(of: "</body>", with: "<script>undefinedFunction()</script></body>")
        let blocked = Chromium.console(try Chromium.load(try page(scripted, "scripted.html"), ["--dump-dom"]))
        #expect(blocked.contains { $0.contains("inline script") }, "\(blocked)")
    }

    /// The layout as the browser made it, measured by a probe script the test adds (its nonce is the only
    /// script the page's policy lets run): every bar inside its track, no bar or label over another, and
    /// nothing wider than the window, at a desktop's width and a narrow one.
    @Test(arguments: [1280, 760])
    func laysOut(_ width: Int) throws {
        let report = ReportSamples.run
        let html = HTMLReport().render(report)
            .replacingOccurrences(
                of: "default-src &#39;none&#39;;", with: "default-src &#39;none&#39;; script-src &#39;nonce-probe&#39;;"
            )
            .replacingOccurrences(of: "</body>", with: "<script nonce=\"probe\">\(Self.probe)</script></body>")
        let output = try Chromium.load(try page(html), ["--dump-dom"], width: width)
        #expect(Chromium.console(output) == [])
        let json = try #require(
            output.text.components(separatedBy: "data-probe=\"").dropFirst().first?.split(separator: "\"").first)
        let decoded = json.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        let probe = try JSONDecoder().decode(Probe.self, from: Data(decoded.utf8))
        #expect(probe.bars == Self.requestsShown(report))
        #expect(probe.outsideTrack == [], "bars outside their track")
        #expect(probe.overlapping == [], "bars or labels over one another")
        #expect(probe.narrowBars == [])
        #expect(probe.pageWidth <= width, "the page is wider than the window")
        #expect(probe.tableWidth <= probe.bodyWidth)
        #expect(probe.tracks > 0 && probe.minTrackWidth >= 899.5)
    }

    struct Probe: Decodable {
        let bars: Int
        let tracks: Int
        let minTrackWidth: Double
        let outsideTrack: [String]
        let overlapping: [String]
        let narrowBars: [String]
        let pageWidth: Int
        let bodyWidth: Double
        let tableWidth: Double
    }

    static let probe = """
        (function () {
          const out = { bars: 0, tracks: 0, minTrackWidth: 1e9, outsideTrack: [], overlapping: [], narrowBars: [] };
          const apart = (a, b) => a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
          for (const track of document.querySelectorAll(".track")) {
            const t = track.getBoundingClientRect();
            out.tracks++; out.minTrackWidth = Math.min(out.minTrackWidth, t.width);
            const shapes = [];
            for (const bar of track.querySelectorAll(".bar")) {
              out.bars++;
              const b = bar.getBoundingClientRect(), l = bar.querySelector(".label").getBoundingClientRect();
              const name = bar.textContent.trim().slice(0, 40);
              if (b.left < t.left - 0.5 || b.right > t.right + 0.5 || b.top < t.top - 0.5 || b.bottom > t.bottom + 0.5) out.outsideTrack.push(name);
              if (b.width < 5 || b.height < 10) out.narrowBars.push(name);
              shapes.push([name + " (bar)", b]);
              if (!bar.classList.contains("label-inside")) shapes.push([name + " (label)", l]);
            }
            for (let i = 0; i < shapes.length; i++)
              for (let j = i + 1; j < shapes.length; j++)
                if (!apart(shapes[i][1], shapes[j][1]) && shapes[i][0].split(" (")[0] !== shapes[j][0].split(" (")[0])
                  out.overlapping.push(shapes[i][0] + " / " + shapes[j][0]);
          }
          out.pageWidth = document.documentElement.scrollWidth;
          out.bodyWidth = document.body.getBoundingClientRect().width;
          out.tableWidth = Math.max(...[...document.querySelectorAll("table.messages")].map(t => t.getBoundingClientRect().width));
          document.body.dataset.probe = JSON.stringify(out);
        })();
        """

    @Test func printsToPDF() throws {
        let pdf = folder.url.appendingPathComponent("report.pdf")
        let output = try Chromium.load(
            try page(HTMLReport().render(ReportSamples.run)), ["--print-to-pdf=\(pdf.path)", "--no-pdf-header-footer"])
        #expect(Chromium.console(output) == [])
        let data = try Data(contentsOf: pdf)
        #expect(data.starts(with: Data("%PDF-".utf8)))
        // Page objects: `/Type /Page` but not `/Type /Pages`.
        let text = String(decoding: data, as: UTF8.self)
        let pages = text.components(separatedBy: "/Type /Page").dropFirst().filter { !$0.hasPrefix("s") }.count
        #expect((2...12).contains(pages), "\(pages) pages")
    }

    /// The sandbox's mixed mailboxes: the dry run's page (on the sandbox's clock, so that its meetings are
    /// the coming weeks') has a bar for each request in those weeks; what `meetingbot run --format html`
    /// writes (on the machine's clock) loads as quietly.
    @Test func aRealRunsPageLoads() async throws {
        let harness = try await PipelineTests.mixedHarness()
        defer { Task { await harness.stop() } }
        let report = try #require(await harness.run(dryRun: true).1)
        let output = try Chromium.load(try page(ReportFormat.html.renderer.render(report)), ["--dump-dom"])
        #expect(Chromium.console(output) == [])
        #expect(Self.bars(output.text) == Self.requestsShown(report))
        #expect(Self.requestsShown(report) >= 10)

        let file = folder.url.appendingPathComponent("cli.html")
        let (_, _, errors) = try harness.runProcess(["--dry-run", "--format", "html", "--output", file.path])
        let cli = try Chromium.load(file, ["--dump-dom"])
        #expect(Chromium.console(cli) == [], "\(errors)")
        #expect(cli.text.components(separatedBy: "<section class=\"mailbox\"").count - 1 == 4)
    }
}
