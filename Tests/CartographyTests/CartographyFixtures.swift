import Foundation
import FTFTTestSupport
@testable import FTFTCartography

/// The synthetic golden cases of golden/generate_cartography.py: name, N, E, C.
let goldenCases: [(name: String, n: Int, e: Int, c: Int)] = [
    ("e2c2", 40, 2, 2), ("e3c3", 60, 3, 3), ("e4c3", 50, 4, 3), ("e5c3", 100, 5, 3), ("e6c2", 30, 6, 2),
    ("lerp", 60, 2, 2),
]

/// A golden case: its fixture and the folder of its cartography JSONL files (hashes checked against the
/// manifest before use).
struct GoldenCase {
    let name: String
    let fixture: GoldenFixture
    let folder: URL
    let epochs: Int

    init(_ name: String, epochs: Int) throws {
        self.name = name
        self.epochs = epochs
        fixture = try GoldenFixture("cartography/dynamics_\(name).ftg")
        for e in 0..<epochs { _ = try GoldenFixture.verifiedURL("cartography/synthetic/\(name)/dynamics_epoch_\(e).jsonl") }
        folder = PackagePaths.golden.appendingPathComponent("cartography/synthetic/\(name)")
    }

    func file(_ name: String) throws -> URL { try GoldenFixture.verifiedURL("cartography/synthetic/\(self.name)/\(name)") }

    func doubles(_ key: String) throws -> [Double] { try fixture.entry(key).doubles }
    func ints(_ key: String) throws -> [Int] { try fixture.ints(key) }
    func floats(_ key: String) throws -> [Float] { try fixture.floats(key) }

    /// Selection masks [R, N] as one index list per rate.
    func selected(_ key: String) throws -> [[Int]] {
        let mask = try ints(key)
        let shape = try fixture.shape(key)
        return (0..<shape[0]).map { r in (0..<shape[1]).filter { mask[r * shape[1] + $0] == 1 } }
    }

    func readDynamics() throws -> TrainingDynamics { try CartographyFiles.readDynamics(folder: folder.path) }
}

/// Writes `lines` (each without its newline) to `folder/name`.
func writeLines(_ lines: [String], to folder: URL, name: String) throws {
    try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
}

/// Copies a golden case's dynamics files into a fresh temporary folder, returning it and the lines per epoch.
func copyOfCase(_ golden: GoldenCase) throws -> (folder: URL, lines: [[String]]) {
    let folder = try PackagePaths.temporaryDirectory("ftft-carto")
    var all: [[String]] = []
    for e in 0..<golden.epochs {
        let text = try String(contentsOf: golden.folder.appendingPathComponent("dynamics_epoch_\(e).jsonl"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        try writeLines(lines, to: folder, name: "dynamics_epoch_\(e).jsonl")
        all.append(lines)
    }
    return (folder, all)
}
