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
        // And it is this checkout's commit: a build after a commit or checkout must not keep the previous one
        // (it did while the plugin was a prebuild command). Needs the git command; without it nothing to compare.
        if let head = gitHead() { #expect(hash == head, "built at \(head), yet BuildInfo.gitCommit is \(commit)") }
    }
}

/// `git rev-parse HEAD` in the package folder, or nil without git.
private func gitHead() -> String? {
    let process = Process(), pipe = Pipe()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", PackagePaths.root.path, "rev-parse", "--verify", "HEAD"]
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
