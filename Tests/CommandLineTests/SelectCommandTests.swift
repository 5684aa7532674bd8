import ArgumentParser
import Foundation
import Testing
import FTFTCartography
import FTFTCommandLine
import FTFTTestSupport

private func ids(_ url: URL) throws -> [String] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
}

@Test func selectFromDynamicsAndCoordinates() throws {
    let folder = try goldenDynamicsFolder("e5c3", epochs: 5)
    let root = try PackagePaths.temporaryDirectory("ftft-cli-select")
    defer { try? FileManager.default.removeItem(at: root) }
    let map = try DataMap.compute(from: try CartographyFiles.readDynamics(folder: folder))
    for (mode, selectionMode) in [("ambiguous", SelectionMode.ambiguous), ("hard", .hardToLearn), ("easy", .easy)] {
        for rule in SelectionRule.allCases {
            let out = root.appendingPathComponent("\(mode)-\(rule.rawValue).txt")
            #expect(runCartographyCLI(["select", folder, "--mode", mode, "--rate", "0.33", "--rule", rule.rawValue, "--out", out.path]) == .success)
            let expected = try Selector.select(map, mode: selectionMode, rates: [0.33], rule: rule)[0].ids
            #expect(try ids(out) == expected, "\(mode) \(rule)")
        }
    }
    // From the coordinates file: the same ranking rules give the same ids (scores to 10 decimals).
    let coordinates = try GoldenFixture.verifiedURL("cartography/synthetic/e5c3/coordinates.jsonl")
    let fromFile = root.appendingPathComponent("file.txt")
    #expect(runCartographyCLI(["select", coordinates.path, "--mode", "ambiguous", "--rate", "0.25", "--rule", "cartography",
                     "--out", fromFile.path]) == .success)
    #expect(try ids(fromFile) == Selector.select(map, mode: .ambiguous, rates: [0.25], rule: .cartography)[0].ids)
    // Stratified selection from dynamics works; from coordinates (no labels) it fails and writes nothing.
    let stratified = root.appendingPathComponent("stratified.txt")
    #expect(runCartographyCLI(["select", folder, "--mode", "hard", "--rate", "0.5", "--stratify", "--out", stratified.path]) == .success)
    #expect(try ids(stratified).count == 50)
    let none = root.appendingPathComponent("none.txt")
    #expect(runCartographyCLI(["select", coordinates.path, "--mode", "hard", "--rate", "0.5", "--stratify", "--out", none.path]) == ExitCode(FTFTExitCode.badInput))
    #expect(!FileManager.default.fileExists(atPath: none.path))
}

@Test func selectRandomIsSeededAndArgumentsAreValidated() throws {
    let folder = try goldenDynamicsFolder("e3c3", epochs: 3)
    let root = try PackagePaths.temporaryDirectory("ftft-cli-select-random")
    defer { try? FileManager.default.removeItem(at: root) }
    let a = root.appendingPathComponent("a.txt"), b = root.appendingPathComponent("b.txt"), c = root.appendingPathComponent("c.txt")
    for (url, seed) in [(a, "7"), (b, "7"), (c, "8")] {
        #expect(runCartographyCLI(["select", folder, "--mode", "random", "--rate", "0.5", "--rule", "ftft", "--seed", seed, "--out", url.path]) == .success)
    }
    #expect(try ids(a) == ids(b) && ids(a) != ids(c) && ids(a).count == 30)
    let out = root.appendingPathComponent("x.txt").path
    #expect(runCartographyCLI(["select", folder, "--mode", "bogus", "--rate", "0.5", "--out", out]) == .validationFailure)
    #expect(runCartographyCLI(["select", folder, "--mode", "hard", "--rate", "1.5", "--out", out]) == .validationFailure)
    #expect(runCartographyCLI(["select", folder, "--mode", "hard", "--rate", "0.5", "--rule", "median", "--out", out]) == .validationFailure)
    #expect(runCartographyCLI(["select", folder, "--mode", "hard", "--rate", "0.5"]) == .validationFailure, "--out is required")
    #expect(runCartographyCLI(["select", root.appendingPathComponent("nothing").path, "--mode", "hard", "--rate", "0.5", "--out", out]) == ExitCode(FTFTExitCode.badInput))
}
