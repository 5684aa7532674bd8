import Foundation
import FTFTIO
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
    let url = PackagePaths.golden.appendingPathComponent(name)
    let manifestData = try Data(contentsOf: PackagePaths.golden.appendingPathComponent("manifest.json"))
    let manifest = try JSONSerialization.jsonObject(with: manifestData) as? [String: Any]
    let files = manifest?["files"] as? [String: Any]
    let expected = (files?[name] as? [String: Any])?["sha256"] as? String
    let actual = SHA256.hex(of: [UInt8](try Data(contentsOf: url)))
    guard let expected, expected == actual else {
        throw GoldenFileMismatch(description: "golden/\(name) does not match golden/manifest.json; regenerate with FTFT_GOLDEN_VENV=/work/venv-golden golden/generate.sh generate_predict.py")
    }
    return url.path
}

struct GoldenFileMismatch: Error, CustomStringConvertible {
    let description: String
}
