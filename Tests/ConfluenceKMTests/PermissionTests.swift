import Foundation
import Testing

/// No article is visible in the KM system to anyone Confluence would not show the page to.
@Suite struct PermissionTests {
    static func zipped() throws -> URL {
        let zip = Support.tempDir("permzip").appendingPathComponent("perm-site.zip")
        try Support.zip(folder: Support.fixtures.appendingPathComponent("perm-site"), to: zip)
        return zip
    }

    static let roleArgs = ["--role", "confluence-users=employees", "--role", "team=team-role"]
    static let rolesOfGroup = ["confluence-users": "employees", "team": "team-role"]

    /// The people of the fixture and their Crowd groups.
    static let people: [String: Set<String>] = [
        "alice": ["confluence-users", "team"], "bob": ["confluence-users"], "carol": ["confluence-users"],
        "dave": [], "eve": ["team"], "frank": ["secret-club"], "anonymous": [],
    ]

    /// Who Confluence shows each page to, stated from Confluence's rules (VIEWSPACE, then every view restriction
    /// of the page and its ancestors; within one restriction any listed user or group suffices).
    static let confluenceViewers: [String: Set<String>] = [
        "1": ["alice", "bob", "carol", "dave", "eve", "frank", "anonymous"],  // OPEN grants anonymous VIEWSPACE
        "2": ["alice", "eve"], "3": ["alice", "eve"], "4": ["alice"], "5": ["bob"], "6": ["frank"],
        "7": ["alice", "bob", "carol", "dave", "eve", "frank", "anonymous"],  // edit restrictions do not limit viewing
        "10": ["alice", "eve", "dave"], "11": ["alice"], "12": ["dave"],
    ]

    @Test func noArticleIsVisibleToAnyoneConfluenceWouldNotShowItTo() throws {
        let (_, files) = try Support.convert(try Self.zipped(), extra: Self.roleArgs)
        var visiblePairs = 0
        for (id, allowed) in Self.confluenceViewers {
            let meta = try #require(files.first { $0.key.hasSuffix(".json") && $0.key.hasPrefix("articles/")
                && ((try? Support.json($0.value))?["id"] as? String) == id }).value
            let access = try #require(try Support.json(meta)["access"] as? [String: Any])
            let restricted = try #require(access["restricted"] as? Bool)
            let roles = Set(access["roles"] as? [String] ?? [])
            let users = Set(access["users"] as? [String] ?? [])
            for (person, groups) in Self.people {
                let personRoles = Set(groups.compactMap { Self.rolesOfGroup[$0] })
                let kmVisible = !restricted || (person != "anonymous" && (users.contains(person) || !roles.isDisjoint(with: personRoles)))
                if kmVisible {
                    visiblePairs += 1
                    #expect(allowed.contains(person), "page \(id) would be visible to \(person) in the KM, but not in Confluence")
                }
                if person != "anonymous" && allowed.contains(person) && allowed.count < Self.people.count {
                    #expect(restricted, "page \(id) is restricted in Confluence")
                }
            }
        }
        #expect(visiblePairs >= 20, "the bundle must still show pages to the people allowed to see them")
    }

    @Test func accessListsFollowTheRestrictions() throws {
        let (_, files) = try Support.convert(try Self.zipped(), extra: Self.roleArgs)
        func access(_ path: String) throws -> [String: Any] {
            let data = try #require(files["articles/\(path).json"])
            return try #require(try Support.json(data)["access"] as? [String: Any])
        }
        #expect(try access("OPEN/public-root")["restricted"] as? Bool == false)
        let team = try access("OPEN/team-child")  // inherits the parent's group restriction
        #expect(team["restricted"] as? Bool == true)
        #expect(team["roles"] as? [String] == ["team-role"])
        #expect(try access("OPEN/alice-in-team")["users"] as? [String] == ["alice"])
        #expect(try access("OPEN/alice-in-team")["roles"] as? [String] == [])
        #expect(try access("OPEN/user-only")["users"] as? [String] == ["bob"])
        let unmapped = try access("OPEN/unmapped-group")
        #expect(unmapped["restricted"] as? Bool == true && unmapped["roles"] as? [String] == [])
        let edit = try access("OPEN/edit-restricted")
        #expect(edit["restricted"] as? Bool == false)
        #expect(edit["editUsers"] as? [String] == ["carol"] && edit["editRoles"] as? [String] == ["team-role"])
        #expect(try access("LOCK/locked-and-staff")["users"] as? [String] == ["alice"])
        #expect(try access("LOCK/dave-only")["users"] as? [String] == ["dave"])
        let report = try Support.json(files["report.json"]!)
        let diags = report["diagnostics"] as? [[String: Any]] ?? []
        #expect(diags.contains { $0["code"] as? String == "unmapped-group" && ($0["message"] as? String ?? "").contains("secret-club") })
    }

    @Test func withoutRoleMappingNothingBecomesVisibleByGroup() throws {
        let (_, files) = try Support.convert(try Self.zipped())
        for (path, data) in files where path.hasPrefix("articles/") && path.hasSuffix(".json") {
            let access = try #require(try Support.json(data)["access"] as? [String: Any])
            #expect((access["roles"] as? [String])?.isEmpty == true, "\(path): no role without a mapping")
        }
    }

    @Test func strictPermissionsFailsOnUnmappedGroups() throws {
        let out = Support.tempDir().appendingPathComponent("b")
        let r = try Support.cli(["convert", try Self.zipped().path, "-o", out.path, "--strict-permissions"] + Self.roleArgs)
        #expect(r.status == 1)
        #expect(r.stderr.contains("secret-club"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let ok = try Support.cli(["convert", try Self.zipped().path, "-o", out.path, "--strict-permissions", "--role", "secret-club=club"] + Self.roleArgs)
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test(.enabled(if: Support.hasReferenceExports, Support.referenceExportsMissing)) func realExportRestrictionIsKept() throws {
        let zip = Support.referenceExports.appendingPathComponent("4.3.2.xml.zip")
        let (_, files) = try Support.convert(zip, extra: ["--role", "confluence-users=employees"])
        // Page 753680 (space2 Home) has View and Edit restrictions to the user admin (ContentPermissionSets
        // 1015809, 1015810); its child Page 2 inherits the view restriction, not the edit one.
        let home = try #require(try Support.json(files["articles/SPACE2/space2-home.json"]!)["access"] as? [String: Any])
        #expect(home["restricted"] as? Bool == true)
        #expect(home["users"] as? [String] == ["admin"])
        #expect(home["editUsers"] as? [String] == ["admin"])
        let page2 = try #require(try Support.json(files["articles/SPACE2/page-2.json"]!)["access"] as? [String: Any])
        #expect(page2["restricted"] as? Bool == true)
        #expect(page2["users"] as? [String] == ["admin"])
        #expect(page2["editUsers"] as? [String] == [])
    }

    @Test func dryRunJsonAgreesWithTheBundle() throws {
        let zip = try Self.zipped()
        let r = try Support.cli(["convert", zip.path, "--dry-run", "--format", "json", "--subtree", "OPEN/Public root/Team only"] + Self.roleArgs)
        #expect(r.status == 0)
        let plan = try Support.json(Data(r.stdout.utf8))
        let planned = (plan["articles"] as? [[String: Any]] ?? []).map { $0["markdown"] as! String }
        let (_, files) = try Support.convert(zip, extra: ["--subtree", "OPEN/Public root/Team only"] + Self.roleArgs)
        let written = files.keys.filter { $0.hasPrefix("articles/") && $0.hasSuffix(".md") }
        #expect(Set(planned) == Set(written))
        #expect(Set(planned) == ["articles/OPEN/team-only.md", "articles/OPEN/team-child.md", "articles/OPEN/alice-in-team.md"])
        for a in plan["articles"] as? [[String: Any]] ?? [] {
            let meta = try Support.json(files[(a["markdown"] as! String).replacingOccurrences(of: ".md", with: ".json")]!)
            #expect(try Support.canonical(a["access"]!) == Support.canonical(meta["access"]!))
        }
        let report = try Support.json(files["report.json"]!)
        #expect(try Support.canonical(plan["skipped"]!) == Support.canonical(report["skipped"]!))
        let filtered = (plan["diagnostics"] as? [[String: Any]] ?? []).filter { $0["code"] as? String == "filtered" }
        #expect(filtered.count == 7)
        #expect(!FileManager.default.fileExists(atPath: "bundle"))
    }
}
