import CheckedYAML
import Foundation
import Testing
@testable import MeetingRules

/// Every kind of error and warning, with its exact message and location.
@Suite struct CheckerTests {
    /// A valid header for files whose problem lies further down.
    let head = """
        version: 1
        timezone: Europe/Berlin
        internal_domains: [contoso.com]

        """

    @Test func theFileAsAWhole() {
        #expect(Rules.diagnostics("") == ["t.yml:1:1: error: the file is empty; a rules file starts with 'version: 1'"])
        #expect(
            Rules.diagnostics("- a\n- b\n") == [
                "t.yml:1:1: error: expected a rules file (a mapping of keys), found a list"
            ])
        #expect(
            Rules.diagnostics("timezone: UTC\n") == [
                "t.yml:1:1: error: missing key 'version' (a rules file starts with 'version: 1')"
            ])
        #expect(
            Rules.diagnostics("version: 2\ntimezone: UTC\nbogus: 1\n")
                == ["t.yml:1:10: error: unsupported version '2' (this MeetingBot reads version 1)"])
        #expect(
            Rules.diagnostics("version: \"1\"\n") == [
                "t.yml:1:10: error: unsupported version '1' (this MeetingBot reads version 1)"
            ])
        #expect(Rules.diagnostics("version: 1\n") == ["t.yml:1:1: error: missing key 'timezone' in a rules file"])
    }

    @Test func yamlThatDoesNotParse() {
        #expect(
            Rules.diagnostics("version: 1\n\ttimezone: UTC\n")
                == [
                    "t.yml:2:1: error: not valid YAML: found a tab character that violates indentation (while scanning a plain scalar at line 1, column 10)"
                ])
        #expect(
            Rules.diagnostics("version: 1\ntimezone: [UTC\n")
                == [
                    "t.yml:3:1: error: not valid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 2, column 11)"
                ])
        #expect(
            Rules.diagnostics("version: 1\nversion: 1\n") == [
                "t.yml:1:1: error: duplicate key 'version' in one mapping"
            ])
        #expect(Rules.diagnostics("a: *nothing\n") == ["t.yml:1:4: error: not valid YAML: found undefined alias"])
    }

    @Test func inputTooLargeOrTooDeepIsRefusedBeforeParsing() {
        let big = "version: 1\n# " + String(repeating: "x", count: YAMLReader.maxBytes) + "\n"
        #expect(Rules.diagnostics(big) == ["t.yml:1:1: error: the file is larger than 1024 KiB"])
        let deep = "a: " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "\n"
        #expect(Rules.diagnostics(deep) == ["t.yml:1:36: error: more than 32 nested brackets"])
        let indented = "a:\n" + String(repeating: " ", count: 161) + "b: 1\n"
        #expect(Rules.diagnostics(indented) == ["t.yml:2:1: error: the line is indented more than 160 columns"])
        let dashes = String(repeating: "- ", count: 17) + "x\n"
        #expect(Rules.diagnostics(dashes) == ["t.yml:1:1: error: more than 16 nested lists on one line"])
        let laughs = (1...9).map { i in
            "l\(i): &l\(i) [" + String(repeating: "*l\(i - 1), ", count: 9).dropLast(2) + "]"
        }
        let bomb = "l0: &l0 lol\n" + laughs.joined(separator: "\n") + "\n"
        #expect(Rules.diagnostics(bomb) == ["t.yml:1:1: error: the file has more than 50000 values (aliases included)"])
    }

    @Test func unknownKeysWithSuggestions() {
        #expect(
            Rules.diagnostics(head + "timezon: UTC\n")
                == ["t.yml:4:1: error: unknown key 'timezon' (did you mean 'timezone'?)"])
        #expect(
            Rules.diagnostics(head + "requests:\n  - when: { organiser: external }\n    then: decline\n")
                == ["t.yml:5:13: error: unknown condition 'organiser' (did you mean 'organizer'?)"])
        #expect(
            Rules.diagnostics(head + "responses:\n  - when: { from: internal }\n    then: apply\n")
                == ["t.yml:5:13: error: unknown condition 'from' (did you mean 'sender'?)"])
        #expect(
            Rules.diagnostics(head + "requests:\n  - then: decline\n    comments: x\n")
                == ["t.yml:6:5: error: unknown key 'comments' (did you mean 'comment'?)"])
        #expect(
            Rules.diagnostics(head + "requests:\n  - then: decline\n    colour: red\n")
                == ["t.yml:6:5: error: unknown key 'colour'"])
    }

    @Test func wrongTypes() {
        func rule(_ when: String) -> [String] {
            Rules.diagnostics(head + "requests:\n  - when: { \(when) }\n    then: decline\n")
        }
        #expect(
            rule("recurring: yes") == [
                "t.yml:5:24: error: 'recurring' expects true or false, found 'yes' (did you mean true?)"
            ])
        #expect(
            rule("subject_contains: 2026")
                == [
                    "t.yml:5:31: error: 'subject_contains' expects text, found '2026' (put it in quotes if you mean the text)"
                ])
        #expect(
            rule("attendees_over: -1") == [
                "t.yml:5:29: error: 'attendees_over' expects a whole number from 0 to 1000000, found '-1'"
            ])
        #expect(
            rule("attendees_over: many") == [
                "t.yml:5:29: error: 'attendees_over' expects a whole number from 0 to 1000000, found 'many'"
            ])
        #expect(rule("weekdays: mon") == ["t.yml:5:23: error: 'weekdays' expects a list, found 'mon'"])
        #expect(
            rule("weekdays: [mon, thur]")
                == [
                    "t.yml:5:29: error: 'weekdays' expects one of mon, tue, wed, thu, fri, sat, sun, found 'thur' (did you mean 'thu'?)"
                ])
        #expect(
            rule("organizer: { a: 1 }") == [
                "t.yml:5:24: error: 'organizer' expects a value or a list of values, found a mapping"
            ])
        #expect(
            rule("subject_contains: []") == [
                "t.yml:5:31: error: 'subject_contains' needs at least one value, found an empty list"
            ])
        #expect(
            rule("subject_contains: \"\"") == ["t.yml:5:31: error: 'subject_contains' needs a text that is not empty"])
        #expect(
            rule("request_type: [new, ful_update]")
                == [
                    "t.yml:5:33: error: 'request_type' expects one of new, full_update, informational_update, silent_update, principal_wants_copy, outdated, none, found 'ful_update' (did you mean 'full_update'?)"
                ])
        #expect(
            Rules.diagnostics(head + "requests: { then: accept }\n")
                == ["t.yml:4:11: error: 'requests' expects a list of rules, found a mapping"])
        #expect(
            Rules.diagnostics(head + "requests:\n  - accept\n")
                == ["t.yml:5:5: error: expected a rule (a mapping of keys), found 'accept'"])
    }

    @Test func durationsTimesAndPercentages() {
        func rule(_ when: String) -> [String] {
            Rules.diagnostics(head + "requests:\n  - when: { \(when) }\n    then: decline\n")
        }
        #expect(
            rule("duration_over: 4 hours") == [
                "t.yml:5:28: error: 'duration_over' expects a duration such as 4h, 90m or 1h30m, found '4 hours'"
            ])
        #expect(
            rule("duration_over: 30m4h") == [
                "t.yml:5:28: error: 'duration_over' expects a duration such as 4h, 90m or 1h30m, found '30m4h'"
            ])
        #expect(
            rule("duration_over: 0m") == ["t.yml:5:28: error: 'duration_over' must be longer than zero, found '0m'"])
        #expect(
            rule("starts_beyond: 999999999w") == [
                "t.yml:5:28: error: 'starts_beyond' must be at most 100 years, found '999999999w'"
            ])
        #expect(
            rule("conflict_share_over: 10") == [
                "t.yml:5:34: error: 'conflict_share_over' expects a percentage from 0% to 100% such as 10%, found '10'"
            ])
        #expect(
            rule("conflict_share_over: 150%") == [
                "t.yml:5:34: error: 'conflict_share_over' expects a percentage from 0% to 100% such as 10%, found '150%'"
            ])
        #expect(
            Rules.diagnostics(head + "working_hours: { days: [mon], from: \"25:00\", to: \"18:00\" }\n")
                == [
                    "t.yml:4:37: error: 'from' expects a time of day from 00:00 to 24:00 such as \"08:00\", found '25:00'"
                ])
        #expect(
            Rules.diagnostics(head + "working_hours: { days: [mon], from: \"18:00\", to: \"08:00\" }\n")
                == ["t.yml:4:16: error: working hours must end after they start, found 18:00 to 08:00"])
        #expect(
            Rules.diagnostics(head + "working_hours: { days: [mon], from: \"08:00\" }\n")
                == ["t.yml:4:16: error: missing key 'to' in 'working_hours'"])
        #expect(
            Rules.diagnostics(head + "booking_window: 2y\n")
                == ["t.yml:4:17: error: 'booking_window' expects a duration such as 4h, 90m or 1h30m, found '2y'"])
    }

    @Test func timeZonesDomainsAndAddresses() {
        #expect(
            Rules.diagnostics("version: 1\ntimezone: Europe/Berln\n")
                == ["t.yml:2:11: error: unknown time zone 'Europe/Berln' (did you mean 'Europe/Berlin'?)"])
        #expect(
            Rules.diagnostics("version: 1\ntimezone: Berlin\n") == ["t.yml:2:11: error: unknown time zone 'Berlin'"])
        #expect(
            Rules.diagnostics(
                head + "requests:\n  - when: { organizer_domain: \"@fabrikam.com\" }\n    then: decline\n")
                == [
                    "t.yml:5:31: error: 'organizer_domain' expects a domain such as contoso.com, found '@fabrikam.com' (did you mean 'fabrikam.com'?)"
                ])
        #expect(
            Rules.diagnostics(head + "requests:\n  - when: { organizer: fabrikam.com }\n    then: decline\n")
                == [
                    "t.yml:5:24: error: 'organizer' expects an address, a wildcard such as *@contoso.com, internal or external, found 'fabrikam.com' (for a whole domain write '*@fabrikam.com' or use 'organizer_domain')"
                ])
        #expect(
            Rules.diagnostics(head + "requests:\n  - when: { sender: externl }\n    then: decline\n")
                == [
                    "t.yml:5:21: error: 'sender' expects an address, a wildcard such as *@contoso.com, internal or external, found 'externl' (did you mean 'external'?)"
                ])
        #expect(
            Rules.diagnostics(
                "version: 1\ntimezone: UTC\nrequests:\n  - when: { organizer: internal }\n    then: accept\n")
                == ["t.yml:4:24: error: 'internal' needs 'internal_domains' in the settings"])
        #expect(
            Rules.diagnostics(head + "lists: { vips: [ceo@contoso.com, \"ann at contoso\"] }\n")
                == [
                    "t.yml:4:34: error: 'vips' expects an address, a wildcard such as *@contoso.com, or a domain, found 'ann at contoso'"
                ])
        #expect(
            Rules.diagnostics(head + "lists: { \"v i p\": [ceo@contoso.com] }\n")
                == [
                    "t.yml:4:10: error: the name 'v i p' may hold only letters, digits, '-' and '_', and starts with a letter or digit"
                ])
    }

    @Test func regularExpressions() {
        func rule(_ regex: String) -> [String] {
            Rules.diagnostics(head + "requests:\n  - when: { subject_matches: '\(regex)' }\n    then: decline\n")
        }
        #expect(rule("([a-z]") == ["t.yml:5:30: error: invalid regular expression '([a-z]': expected ')'"])
        #expect(
            rule("a{2,1}") == [
                "t.yml:5:30: error: invalid regular expression 'a{2,1}': range lower bound '2' must be less than or equal to upper bound '1'"
            ])
        #expect(
            rule("^(\\w+\\s?)*$")
                == [
                    "t.yml:5:30: error: regular expression '^(\\w+\\s?)*$' repeats '(\\w+\\s?)*', a group that itself repeats, which can take exponential time on some texts; rewrite it without the nested repetition"
                ])
        #expect(rule("^(ext|partner)+:").isEmpty)
    }

    @Test func listsConditionsAndActions() {
        let lists = head + "lists: { vips: [ceo@contoso.com] }\n"
        #expect(
            Rules.diagnostics(lists + "requests:\n  - when: { organizer_in: vipz }\n    then: accept\n")
                == [
                    "t.yml:4:10: warning: the list 'vips' is never used",
                    "t.yml:6:27: error: unknown list 'vipz' (did you mean 'vips'?)",
                ])
        #expect(
            Rules.diagnostics(head + "requests:\n  - when: { organizer_in: vips }\n    then: accept\n")
                == ["t.yml:5:27: error: unknown list 'vips' (the file defines no lists)"])
        #expect(
            Rules.diagnostics(head + "responses:\n  - when: { conflicts: true }\n    then: keep\n")
                == ["t.yml:5:13: error: 'conflicts' does not apply to responses (only to requests)"])
        #expect(
            Rules.diagnostics(head + "requests:\n  - then: acept\n")
                == [
                    "t.yml:5:11: error: 'then' expects one of accept, tentative, decline, skip, found 'acept' (did you mean 'accept'?)"
                ])
        #expect(
            Rules.diagnostics(head + "requests:\n  - then: remove\n")
                == [
                    "t.yml:5:11: error: 'then' expects one of accept, tentative, decline, skip, found 'remove' ('remove' is an action for cancellations)"
                ])
        #expect(
            Rules.diagnostics(head + "requests:\n  - when: { recurring: true }\n")
                == ["t.yml:5:5: error: missing key 'then' in a rule"])
        #expect(
            Rules.diagnostics(head + "requests:\n  - when: {}\n    then: accept\n")
                == ["t.yml:5:11: error: 'when' is empty; leave 'when' out for a rule that matches every message"])
    }

    @Test func optionsThatDoNotGoWithTheAction() {
        #expect(
            Rules.diagnostics(head + "requests:\n  - then: skip\n    comment: Later.\n")
                == ["t.yml:6:14: error: 'comment' goes with accept, tentative or decline, not with 'skip'"])
        #expect(
            Rules.diagnostics(head + "requests:\n  - then: skip\n    send_reply: true\n")
                == ["t.yml:6:17: error: 'send_reply' goes with accept, tentative or decline, not with 'skip'"])
        #expect(
            Rules.diagnostics(head + "cancellations:\n  - then: remove\n    comment: Gone.\n")
                == ["t.yml:6:5: error: 'comment' does not apply to cancellations (only to requests)"])
    }

    @Test func duplicateNamesAndUnreachableRules() {
        let text =
            head + """
                requests:
                  - { name: busy, when: { conflicts: true }, then: decline }
                  - { name: busy, when: { recurring: true }, then: decline }
                  - { name: rest, then: tentative }
                  - { name: late, when: { recurring: true }, then: accept }
                cancellations:
                  - { name: rest, then: remove }
                  - { name: default, then: keep }
                """
        #expect(
            Rules.diagnostics(text) == [
                "t.yml:6:5: error: duplicate rule name 'busy' (first used at line 5)",
                "t.yml:8:5: error: rule 'late' can never match: rule 'rest' at line 7 has no 'when' and takes every request first",
                "t.yml:10:5: error: duplicate rule name 'rest' (first used at line 7)",
                "t.yml:11:5: error: rule 'cancellations-2' can never match: rule 'rest' at line 10 has no 'when' and takes every cancellation first",
                "t.yml:11:13: error: the name 'default' is kept for decisions that no rule made",
            ])
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "{ not: ", count: 17) + "{ recurring: true }" + String(repeating: " }", count: 17)
        let diagnostics = Rules.diagnostics(head + "requests:\n  - when: \(deep)\n    then: accept\n")
        #expect(diagnostics == ["t.yml:5:130: error: 'not' nests more than 16 levels deep"])
    }

    @Test func examplesAreChecked() {
        let rules = head + "requests:\n  - { name: busy, when: { conflicts: true }, then: decline }\nexamples:\n"
        func example(_ text: String) -> [String] { Rules.diagnostics(rules + text) }
        #expect(
            example("  - expect: { action: accept }\n")
                == ["t.yml:7:5: error: an example needs one of 'request', 'response' or 'cancellation'"])
        #expect(
            example("  - { request: {}, response: {}, expect: { action: accept } }\n")
                == ["t.yml:7:30: error: an example describes one message; it already has a request"])
        #expect(example("  - { request: {} }\n") == ["t.yml:7:5: error: missing key 'expect' in an example"])
        #expect(
            example("  - { request: {}, expect: { action: accept, rule: bussy } }\n")
                == ["t.yml:7:52: error: no request rule is named 'bussy' (did you mean 'busy'?)"])
        #expect(
            example("  - { request: {}, expect: { action: apply } }\n")
                == [
                    "t.yml:7:38: error: 'action' expects one of accept, tentative, decline, skip, found 'apply' ('apply' is an action for responses)"
                ])
        #expect(
            example(
                "  - { request: { start: \"2026-12-01T10:00\", end: \"2026-12-01T09:00\" }, expect: { action: accept } }\n"
            )
                == ["t.yml:7:16: error: the meeting must end after it starts"])
        #expect(
            example("  - { request: { end: \"2026-12-01T11:00\", duration: 1h }, expect: { action: accept } }\n")
                == ["t.yml:7:16: error: give 'end' or 'duration', not both"])
        #expect(
            example("  - { request: { start: \"2026-03-29T02:30\" }, expect: { action: accept } }\n")
                == [
                    "t.yml:7:25: error: '2026-03-29T02:30' does not exist in Europe/Berlin: the clocks skip it when daylight saving time starts"
                ])
        #expect(
            example("  - { request: { start: \"2026-02-30T10:00\" }, expect: { action: accept } }\n")
                == [
                    "t.yml:7:25: error: 'start' expects a date and time such as \"2026-12-01T09:00\", found '2026-02-30T10:00'"
                ])
        #expect(
            example(
                "  - { request: { conflicting_occurrences: 3 , checked_occurrences: 2 }, expect: { action: accept } }\n"
            )
                == ["t.yml:7:16: error: 'conflicting_occurrences' (3) cannot exceed 'checked_occurrences' (2)"])
        #expect(
            example("  - { request: { recurring: false, occurrences: 3 }, expect: { action: accept } }\n")
                == ["t.yml:7:16: error: 'occurrences' and 'series_end' describe a series, but 'recurring' is false"])
        #expect(
            example("  - { response: { request_type: new }, expect: { action: keep } }\n")
                == ["t.yml:7:19: error: 'request_type' does not apply to responses (only to requests)"])
        #expect(
            example("  - { request: { organizer: \"*@contoso.com\" }, expect: { action: accept } }\n")
                == ["t.yml:7:29: error: 'organizer' expects an address such as ann@contoso.com, found '*@contoso.com'"])
    }

    @Test func warnings() {
        let text =
            head + """
                lists: { vips: [ceo@contoso.com], unused: [x@contoso.com] }
                working_hours: { days: [mon, mon, tue], from: "08:00", to: "18:00" }
                requests:
                  - { name: vips, when: { organizer_in: vips }, then: accept, comment: Welcome., send_reply: false }
                """
        let report = Policy.check(text, file: "t.yml")
        #expect(
            report.diagnostics.map(\.description) == [
                "t.yml:4:35: warning: the list 'unused' is never used",
                "t.yml:5:24: warning: 'days' names a day more than once",
                "t.yml:7:72: warning: the comment is never sent, because 'send_reply' is false",
            ])
        #expect(report.policy != nil, "warnings do not stop a file from being used")
    }

    @Test func severalErrorsInOnePassAndNoPolicy() {
        let text = """
            version: 1
            timezone: Europe/Berln
            requests:
              - { name: a, when: { organiser: x@y.z, duration_over: 4 hours }, then: acept }
            """
        let report = Policy.check(text, file: "t.yml")
        #expect(report.errors.count == 4)
        #expect(report.policy == nil)
        #expect(throws: PolicyError.self) { try report.usablePolicy() }
    }

    @Test func renderedDiagnosticsPointAtTheColumn() {
        let report = Policy.check("version: 1\ntimezone: Mars/Base\n", file: "t.yml")
        #expect(
            report.rendered == """
                t.yml:2:11: error: unknown time zone 'Mars/Base'
                    timezone: Mars/Base
                              ^
                """)
    }

    @Test func unreadableFiles() {
        let missing = Policy.check(contentsOf: "/nonexistent/rules.yml")
        #expect(missing.diagnostics.map(\.description) == ["/nonexistent/rules.yml:1:1: error: cannot read the file"])
        #expect(throws: PolicyError.self) { try Policy.load(contentsOf: "/nonexistent/rules.yml") }
    }
}
