import Foundation
import FTFTBuildInfo
import FTFTTestSupport
import Testing

/// The commit a run records is the build's, fixed at build time (BuildInfoPlugin): 40 hex digits, "+dirty" when
/// the build had uncommitted changes, "unknown" only where the build had no repository.
@Test func theBuildRecordsItsCommit() {
    let commit = BuildInfo.gitCommit
    let hash = commit.hasSuffix("+dirty") ? String(commit.dropLast(6)) : commit
    let isHash = hash.count == 40 && hash.allSatisfy(\.isHexDigit)
    #expect(isHash || commit == "unknown", "BuildInfo.gitCommit is \(commit)")
    // This checkout is a git repository (a worktree's .git is a file), so the build knew its commit.
    if FileManager.default.fileExists(atPath: PackagePaths.root.appendingPathComponent(".git").path) {
        #expect(isHash, "built from a git checkout, yet the commit is \(commit)")
    }
}
