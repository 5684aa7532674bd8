import Foundation
import FTFTTestSupport
@testable import FTFTCommandLine

/// Runs `ftft <arguments>` in-process (parse + run), as the executable would, and returns its exit status.
func runFTFT(_ arguments: [String]) -> Int32 {
    do {
        var command = try FTFTCommand.parseAsRoot(arguments)
        try command.run()
        return 0
    } catch {
        return FTFTCommand.exitCode(for: error).rawValue
    }
}

/// A committed golden file other than an FTFTGOLD fixture, checked against golden/manifest.json first.
func verifiedGoldenPath(_ name: String) throws -> String {
    try GoldenFixture.verifiedURL(name).path
}
