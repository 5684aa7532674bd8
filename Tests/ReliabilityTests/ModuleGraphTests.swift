import Foundation
import FTFTTestSupport
import Testing

/// The module graph in Package.swift is the graph of the imports: every module a target's files import is a
/// declared dependency of that target, and every declared dependency is imported by at least one of its files.
/// The manifest is read as SwiftPM sees it (`swift package dump-package`, in a scratch folder of its own so it
/// does not wait for the build's lock); the imports are read from the sources. Toolchain modules (Foundation,
/// Glibc, Testing, …) are not dependencies and are left out.
@Suite struct ModuleGraphTests {
    static let toolchainModules: Set<String> = [
        "Foundation", "FoundationEssentials", "Glibc", "Darwin", "Dispatch", "Synchronization", "Testing", "XCTest",
        "PackagePlugin",
    ]

    struct Target {
        let name: String
        let folder: URL
        let dependencies: Set<String>
    }

    static func manifestTargets() throws -> [Target] {
        let root = PackagePaths.root
        let scratch = try PackagePaths.temporaryDirectory("ftft-dump-package")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "package", "--package-path", root.path, "--scratch-path", scratch.path, "dump-package"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let targets = json["targets"] as? [[String: Any]] else {
            throw ManifestUnreadable(status: process.terminationStatus)
        }
        return targets.compactMap { target -> Target? in
            guard let name = target["name"] as? String, let type = target["type"] as? String, type != "system" else {
                return nil
            }
            let defaultFolder = (type == "test" ? "Tests/" : type == "plugin" ? "Plugins/" : "Sources/") + name
            let folder = root.appendingPathComponent(target["path"] as? String ?? defaultFolder)
            var dependencies = Set<String>()
            for dependency in target["dependencies"] as? [[String: Any]] ?? [] {
                // Each is {"byName": [name, condition]}, {"target": [...]} or {"product": [name, package, ...]}.
                for key in ["byName", "target", "product"] {
                    if let entry = dependency[key] as? [Any], let name = entry.first as? String { dependencies.insert(name) }
                }
            }
            return Target(name: name, folder: folder, dependencies: dependencies)
        }
    }

    /// Modules imported by the Swift files below `folder` (any attribute or access level before `import`).
    static func imports(in folder: URL) throws -> Set<String> {
        var modules = Set<String>()
        let pattern = try NSRegularExpression(pattern: #"^\s*(?:@\w+\s+|(?:public|internal|package|private|fileprivate)\s+)*import\s+(?:(?:struct|class|enum|func|protocol|typealias|var|let)\s+)?([A-Za-z_][A-Za-z0-9_]*)"#,
                                              options: [.anchorsMatchLines])
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { modules.insert(String(text[range])) }
            }
        }
        return modules.subtracting(toolchainModules)
    }

    @Test func everyImportIsDeclaredAndEveryDependencyImported() throws {
        let targets = try Self.manifestTargets()
        #expect(targets.count > 20, "the manifest lists \(targets.count) targets")
        for target in targets {
            let imported = try Self.imports(in: target.folder)
            let undeclared = imported.subtracting(target.dependencies).subtracting([target.name])
            let unused = target.dependencies.subtracting(imported)
            #expect(undeclared.isEmpty, "\(target.name) imports \(undeclared.sorted()) without declaring them in Package.swift")
            #expect(unused.isEmpty, "\(target.name) declares \(unused.sorted()) in Package.swift but no file of it imports them")
        }
    }

    /// The two modules without OpenBLAS stay so: data and cartography need neither FTFTTensors nor CBLAS.
    @Test func dataAndCartographyDoNotLinkOpenBLAS() throws {
        let targets = Dictionary(uniqueKeysWithValues: try Self.manifestTargets().map { ($0.name, $0) })
        func closure(_ name: String) -> Set<String> {
            var seen = Set<String>(), queue = [name]
            while let next = queue.popLast() {
                for dependency in targets[next]?.dependencies ?? [] where seen.insert(dependency).inserted { queue.append(dependency) }
            }
            return seen
        }
        for name in ["FTFTData", "FTFTCartography", "FTFTText", "FTFTDeterminism"] {
            let reached = closure(name)
            #expect(!reached.contains("CBLAS") && !reached.contains("FTFTTensors"), "\(name) reaches \(reached.sorted())")
        }
    }
}

struct ManifestUnreadable: Error, CustomStringConvertible {
    let status: Int32
    var description: String { "swift package dump-package exited with \(status) or printed no targets" }
}
