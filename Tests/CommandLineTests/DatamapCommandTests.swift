import ArgumentParser
import Foundation
import Testing
import FTFTCartography
import FTFTCommandLine
import FTFTTestSupport

/// Runs `ftft <arguments>` in-process and returns its exit code (as the executable would exit).
func runCartographyCLI(_ arguments: [String]) -> ExitCode {
    do {
        var command = try FTFTCommand.parseAsRoot(arguments)
        try command.run()
        return .success
    } catch {
        return FTFTCommand.exitCode(for: error)
    }
}

/// A golden synthetic case's dynamics folder (hashes checked against the manifest).
func goldenDynamicsFolder(_ name: String, epochs: Int) throws -> String {
    for e in 0..<epochs { _ = try GoldenFixture.verifiedURL("cartography/synthetic/\(name)/dynamics_epoch_\(e).jsonl") }
    return PackagePaths.golden.appendingPathComponent("cartography/synthetic/\(name)").path
}

@Test func datamapWritesCartographyFilesPlotsAndReport() throws {
    let folder = try goldenDynamicsFolder("e5c3", epochs: 5)
    let out = try PackagePaths.temporaryDirectory("ftft-cli-datamap").appendingPathComponent("out")
    defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
    #expect(runCartographyCLI(["datamap", folder, "--out", out.path, "--title", "e5c3"]) == .success)
    for file in ["data_map_coordinates.jsonl", "td_metrics.jsonl"] {
        let expected = try GoldenFixture.verifiedURL("cartography/synthetic/e5c3/\(file == "td_metrics.jsonl" ? file : "coordinates.jsonl")")
        #expect(try Data(contentsOf: out.appendingPathComponent(file)) == Data(contentsOf: expected), "\(file)")
    }
    let svg = try String(contentsOf: out.appendingPathComponent("data_map.svg"), encoding: .utf8)
    #expect(svg.contains("data-n=\"100\"") && svg.contains("data-mode=\"points\""))
    let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.contains("<svg ") && html.contains("<table class=\"easy\">"))
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("figure2.svg").path))

    // Burn-out: the coordinates of the first three epochs only.
    let burn = out.deletingLastPathComponent().appendingPathComponent("burn")
    #expect(runCartographyCLI(["datamap", folder, "--out", burn.path, "--burn-out", "3", "--ddof", "1"]) == .success)
    let map = try CartographyFiles.readDataMap(path: burn.appendingPathComponent("td_metrics.jsonl").path)
    let expected = try DataMap.compute(from: try CartographyFiles.readDynamics(folder: folder),
                                       options: DataMapOptions(variabilityDDOF: 1, burnOut: 3))
    #expect(map.correctness == expected.correctness && map.forgetfulness == expected.forgetfulness)
    #expect(zip(map.variability, expected.variability).allSatisfy { abs($0 - $1) <= 0.5e-10 })
}

@Test func datamapFailsCleanlyOnBadInput() throws {
    let root = try PackagePaths.temporaryDirectory("ftft-cli-datamap-bad")
    defer { try? FileManager.default.removeItem(at: root) }
    let out = root.appendingPathComponent("out")
    #expect(runCartographyCLI(["datamap", root.appendingPathComponent("missing").path, "--out", out.path]) == ExitCode(FTFTExitCode.badInput))
    #expect(runCartographyCLI(["datamap", root.path, "--out", out.path, "--ddof", "2"]) == .validationFailure)
    #expect(runCartographyCLI(["datamap", root.path, "--out", out.path, "--task-family", "vision"]) == .validationFailure)
    // A folder whose epoch 1 has a duplicated example: an error, and nothing written.
    let source = try goldenDynamicsFolder("e3c3", epochs: 3)
    let broken = root.appendingPathComponent("broken")
    try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
    for e in 0..<3 {
        var text = try String(contentsOfFile: "\(source)/dynamics_epoch_\(e).jsonl", encoding: .utf8)
        if e == 1 { text += text.split(separator: "\n")[0] + "\n" }
        try text.write(to: broken.appendingPathComponent("dynamics_epoch_\(e).jsonl"), atomically: true, encoding: .utf8)
    }
    #expect(runCartographyCLI(["datamap", broken.path, "--out", out.path]) == ExitCode(FTFTExitCode.badInput))
    #expect(!FileManager.default.fileExists(atPath: out.path), "nothing is written when the input is bad")
}
