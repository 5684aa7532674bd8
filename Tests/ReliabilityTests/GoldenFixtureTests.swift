import FTFTTestSupport
import Foundation
import Testing

/// `GoldenFixture.verifiedData`, the one manifest check every golden reader uses, refuses what it cannot verify.
@Suite struct GoldenFixtureTests {
    @Test func unrecordedFileIsRefusedWithTheRegeneratingCommand() throws {
        do {
            _ = try GoldenFixture.verifiedData("no-such-fixture.ftg")
            Issue.record("an absent fixture was accepted")
        } catch let error as GoldenFixture.FixtureError {
            #expect(error.description.contains("no-such-fixture.ftg") && error.description.contains("golden/generate.sh"), "\(error)")
        }
        // A recorded file verifies: the manifest's own first entry.
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: PackagePaths.golden.appendingPathComponent("manifest.json")))
        let files = try #require((manifest as? [String: Any])?["files"] as? [String: Any])
        let first = try #require(files.keys.sorted().first)
        #expect(try !GoldenFixture.verifiedData(first).isEmpty)
    }
}
