import Foundation

/// Locates the read-only reference material (`../shared` beside the checkout, or `$FTFT_SHARED`).
/// Tests that need it call `SharedData.root` and skip, saying so, when it is absent; CI always has it.
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
}

/// Paths inside this package, found from this source file's location (works for every build folder).
public enum PackagePaths {
    public static var root: URL {
        // …/Tests/FTFTTestSupport/SharedData.swift → package root
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static var golden: URL { root.appendingPathComponent("golden") }

    /// A fresh empty temporary directory, unique per call.
    public static func temporaryDirectory(_ label: String = "ftft-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
