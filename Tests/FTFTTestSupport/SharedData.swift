import Foundation

/// Locates the read-only reference material (`../shared` beside the checkout, or `$FTFT_SHARED`).
///
/// A test that needs it is marked `.enabled(if: SharedData.isAvailable("models/…"), Comment(rawValue: SharedData.skipMessage))` and
/// reads the path with `try SharedData.require("models/…")`. Without `../shared` such a test is reported as
/// skipped, with the reason — except under CI (the environment variable `CI` is set), which always has
/// `../shared`: there the test runs and fails in `require`, naming what is missing.
public enum SharedData {
    public static var root: URL? {
        if let env = ProcessInfo.processInfo.environment["FTFT_SHARED"], !env.isEmpty {
            let url = URL(fileURLWithPath: env)
            return FileManager.default.fileExists(atPath: url.path) ? url : nil
        }
        let candidate = PackagePaths.root.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("docs").path) ? candidate : nil
    }

    public static func path(_ relative: String) -> URL? {
        guard let root else { return nil }
        let url = root.appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    public static let skipMessage = "../shared (or $FTFT_SHARED) is absent: test skipped"

    /// True under CI (`CI` set and not "false" or "0"), where a missing `../shared` is a failure.
    public static var isRequired: Bool {
        guard let value = ProcessInfo.processInfo.environment["CI"]?.lowercased(), !value.isEmpty else { return false }
        return value != "false" && value != "0"
    }

    /// For `.enabled(if:)`: the material is there, or CI requires it (the test then fails in `require`).
    public static func isAvailable(_ relative: String) -> Bool { path(relative) != nil || isRequired }

    /// The material's URL, or an error naming what is missing and where it was looked for.
    public static func require(_ relative: String) throws -> URL {
        guard let url = path(relative) else { throw SharedDataMissing(relative: relative, isCI: isRequired) }
        return url
    }
}

/// `../shared/<relative>` is absent where a test needs it.
public struct SharedDataMissing: Error, CustomStringConvertible {
    public let relative: String
    public let isCI: Bool
    public var description: String {
        let looked = ProcessInfo.processInfo.environment["FTFT_SHARED"].map { "$FTFT_SHARED=\($0)" }
            ?? PackagePaths.root.deletingLastPathComponent().appendingPathComponent("shared").path
        return "\(relative) is absent from the shared material (looked in \(looked))"
            + (isCI ? "; CI must have ../shared, so this is a failure, not a skip" : "")
    }
}

/// Paths inside this package, found from this source file's location (works for every build folder).
public enum PackagePaths {
    public static var root: URL {
        // …/Tests/FTFTTestSupport/SharedData.swift → package root
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static var golden: URL { root.appendingPathComponent("golden") }

    /// The MiniLM tokenizer files committed for the tests (golden/tokenizer/minilm-uncased, see its PROVENANCE.md).
    public static var miniLMTokenizer: URL { golden.appendingPathComponent("tokenizer/minilm-uncased") }

    /// A fresh empty temporary directory, unique per call.
    public static func temporaryDirectory(_ label: String = "ftft-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
