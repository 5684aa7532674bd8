import Foundation
import Testing
import FTFTTestSupport
@testable import FTFTCartography

/// Bad cartography files give typed errors naming file, line and field; every case starts from a copy of a
/// golden case (e3c3: 60 examples, 3 epochs, 3 classes) with one line changed.
struct ImportErrorTests {
    let golden: GoldenCase
    init() throws { golden = try GoldenCase("e3c3", epochs: 3) }

    /// Applies `edit` to the lines of epoch `epoch` in a fresh copy and reads the folder.
    func read(epoch: Int, options: DynamicsReadOptions = DynamicsReadOptions(),
              _ edit: (inout [String]) -> Void) throws -> TrainingDynamics {
        let (folder, lines) = try copyOfCase(golden)
        defer { try? FileManager.default.removeItem(at: folder) }
        var changed = lines[epoch]
        edit(&changed)
        try writeLines(changed, to: folder, name: "dynamics_epoch_\(epoch).jsonl")
        return try CartographyFiles.readDynamics(folder: folder.path, options: options)
    }

    func expectError(epoch: Int, line: Int? = nil, options: DynamicsReadOptions = DynamicsReadOptions(),
                     _ edit: (inout [String]) -> Void, _ check: (CartographyError) -> Bool) {
        do {
            _ = try read(epoch: epoch, options: options, edit)
            Issue.record("expected an error")
        } catch let error as CartographyError {
            #expect(check(error), "unexpected error: \(error)")
            #expect(error.description.contains("dynamics_epoch_\(epoch).jsonl"), "the message must name the file: \(error)")
            if let line { #expect(error.description.contains(".jsonl:\(line):"), "the message must name line \(line): \(error)") }
        } catch {
            Issue.record("untyped error \(error)")
        }
    }

    func id(_ line: String) -> String {
        String(line.split(separator: ",")[0].dropFirst("{\"guid\":".count))
    }

    @Test func duplicateInEpochZeroAndLater() throws {
        let lines = try copyOfCase(golden).lines
        expectError(epoch: 0, line: 61, { $0.append($0[1]) }) {
            if case .duplicateExample(_, let i, let first) = $0 { return i == id(lines[0][1]) && first == 2 }
            return false
        }
        expectError(epoch: 1, line: 61, { $0.append($0[5]) }) {
            if case .duplicateExample(_, let i, let first) = $0 { return i == id(lines[1][5]) && first == 6 }
            return false
        }
    }

    @Test func unknownAndMissingExamples() throws {
        expectError(epoch: 2, line: 4, { $0[3] = $0[3].replacingOccurrences(of: "{\"guid\":", with: "{\"guid\":9") }) {
            if case .unknownExample(_, _, let epoch) = $0 { return epoch == 2 }
            return false
        }
        let lines = try copyOfCase(golden).lines
        expectError(epoch: 2, { $0.remove(at: 10) }) {
            if case .missingExample(_, let i, let epoch) = $0 { return i == id(lines[2][10]) && epoch == 2 }
            return false
        }
        // FTFT's rule drops the incomplete last epoch, but not an incomplete earlier one.
        let trimmed = try read(epoch: 2, options: DynamicsReadOptions(partialLastEpoch: .dropIncompleteLastEpoch)) { $0.remove(at: 10) }
        #expect(trimmed.epochCount == 2 && trimmed.metadata.droppedPartialEpoch)
        expectError(epoch: 1, options: DynamicsReadOptions(partialLastEpoch: .dropIncompleteLastEpoch), { $0.remove(at: 0) }) {
            if case .missingExample(_, _, let epoch) = $0 { return epoch == 1 }
            return false
        }
        // Reading only the first two epochs ignores the damaged third.
        let two = try read(epoch: 2, options: DynamicsReadOptions(maxEpochs: 2)) { $0.remove(at: 10) }
        #expect(two.epochCount == 2 && !two.metadata.droppedPartialEpoch)
    }

    @Test func valuesAndLabels() {
        for (k, token) in [(0, "null"), (1, "NaN"), (2, "-Infinity")] {
            expectError(epoch: 1, line: 7, { line in
                let open = line[6].split(separator: "[", maxSplits: 1), close = open[1].split(separator: "]", maxSplits: 1)
                var values = close[0].split(separator: ",").map(String.init)
                values[k] = token
                line[6] = open[0] + "[" + values.joined(separator: ",") + "]" + close[1]
            }) {
                if case .nonFiniteLogit(_, _, let index) = $0 { return index == k }
                return false
            }
        }
        expectError(epoch: 1, line: 3, { line in
            let parts = line[2].split(separator: "[", maxSplits: 1)
            line[2] = parts[0] + "[null," + parts[1].split(separator: ",", maxSplits: 1)[1]
        }) {
            if case .nonFiniteLogit(_, _, let k) = $0 { return k == 0 }
            return false
        }
        expectError(epoch: 1, line: 9, { line in
            let parts = line[8].split(separator: "[", maxSplits: 1)
            line[8] = parts[0] + "[" + parts[1].split(separator: ",", maxSplits: 1)[1]
        }) {
            if case .classCountMismatch(_, _, let expected, let found) = $0 { return expected == 3 && found == 2 }
            return false
        }
        expectError(epoch: 2, line: 12, { line in
            let gold = line[11].last(where: { $0.isNumber }).map { Int(String($0))! } ?? 0
            line[11] = line[11].replacingOccurrences(of: "\"gold\":\(gold)}", with: "\"gold\":\((gold + 1) % 3)}")
        }) {
            if case .goldChanged = $0 { return true }
            return false
        }
        expectError(epoch: 0, line: 2, { $0[1] = $0[1].replacingOccurrences(of: "\"gold\":", with: "\"gold\":7") }) {
            if case .goldOutOfRange = $0 { return true }
            return false
        }
    }

    /// Found by fuzzing: invalid UTF-8 inside a string was accepted (and a string id decoded with U+FFFD
    /// replacements, so two different byte strings could become the same id); so were invalid escapes and
    /// repeated fields.
    @Test func invalidUTF8BadEscapesAndRepeatedFieldsAreRefused() throws {
        let folder = try PackagePaths.temporaryDirectory("ftft-carto-utf8")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("dynamics_epoch_0.jsonl").path
        var bytes = Array(#"{"guid":"ok","logits_epoch_0":[1,2],"gold":0}"#.utf8) + [0x0A]
        bytes += Array(#"{"guid":"a"#.utf8) + [0xFF, 0xFE] + Array(#"","logits_epoch_0":[1,2],"gold":1}"#.utf8) + [0x0A]
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: CartographyError.badJSON(SourceLocation(file: path, line: 2), reason: "invalid UTF-8 in a string at column 10")) {
            try CartographyFiles.readEpochFile(path: path, epoch: 0)
        }
        // Found by fuzzing too: an invalid escape in a field ftft skips was accepted; Python's json refuses it.
        try Data(Array(#"{"guid":"x","note":"a\d","logits_epoch_0":[1,2],"gold":1}"#.utf8)).write(to: URL(fileURLWithPath: path))
        #expect(throws: CartographyError.badJSON(SourceLocation(file: path, line: 1), reason: "bad escape in a string at column 22")) {
            try CartographyFiles.readEpochFile(path: path, epoch: 0)
        }
        try Data(Array(#"{"guid":"x","note":"\u12G4","logits_epoch_0":[1,2],"gold":1}"#.utf8)).write(to: URL(fileURLWithPath: path))
        #expect(throws: CartographyError.badJSON(SourceLocation(file: path, line: 1), reason: #"bad \u escape in a string at column 21"#)) {
            try CartographyFiles.readEpochFile(path: path, epoch: 0)
        }
        // Found by fuzzing: a repeated logits key appended both arrays (two logits per class count).
        for (field, line) in [("logits_epoch_0", #"{"guid":0,"logits_epoch_0":[1],"gold":0,"logits_epoch_0":[2]}"#),
                              ("gold", #"{"guid":0,"gold":1,"logits_epoch_0":[1,2],"gold":0}"#),
                              ("guid", #"{"guid":0,"logits_epoch_0":[1,2],"gold":0,"guid":"x"}"#)] {
            try Data(line.utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: CartographyError.badJSON(SourceLocation(file: path, line: 1), reason: "field '\(field)' appears twice")) {
                try CartographyFiles.readEpochFile(path: path, epoch: 0)
            }
        }
        // Valid multi-byte UTF-8 is still fine.
        try Data(Array(#"{"guid":"café 😀","logits_epoch_0":[1,2],"gold":1}"#.utf8)).write(to: URL(fileURLWithPath: path))
        #expect(try CartographyFiles.readEpochFile(path: path, epoch: 0).ids == ["café 😀"])
    }

    @Test func syntaxKeysAndFields() {
        expectError(epoch: 1, line: 5, { $0[4] = String($0[4].dropLast(3)) }) {
            if case .badJSON = $0 { return true }
            return false
        }
        expectError(epoch: 1, line: 1, { $0[0] = $0[0].replacingOccurrences(of: "logits_epoch_1", with: "logits_epoch_0") }) {
            if case .epochKeyMismatch(_, let expected, let found) = $0 { return expected == "logits_epoch_1" && found == "logits_epoch_0" }
            return false
        }
        expectError(epoch: 0, line: 3, { $0[2] = $0[2].replacingOccurrences(of: "\"gold\"", with: "\"label\"") }) {
            if case .missingField(_, let field) = $0 { return field == "gold" }
            return false
        }
        expectError(epoch: 0, line: 3, { $0[2] = $0[2].replacingOccurrences(of: "\"gold\":", with: "\"gold\":\"x\",\"g\":") }) {
            if case .wrongFieldType(_, let field, _) = $0 { return field == "gold" }
            return false
        }
    }

    @Test func folderProblems() throws {
        let (folder, _) = try copyOfCase(golden)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "notes".write(to: folder.appendingPathComponent("README.txt"), atomically: true, encoding: .utf8)
        try "x".write(to: folder.appendingPathComponent("dynamics_epoch_x.jsonl"), atomically: true, encoding: .utf8)
        #expect(try CartographyFiles.readDynamics(folder: folder.path).epochCount == 3, "stray files are ignored")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("dynamics_epoch_1.jsonl"))
        #expect(throws: CartographyError.missingEpochFile(folder: folder.path, epoch: 1)) {
            _ = try CartographyFiles.readDynamics(folder: folder.path)
        }
        let empty = try PackagePaths.temporaryDirectory("ftft-carto-empty")
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: CartographyError.noDynamicsFiles(folder: empty.path)) {
            _ = try CartographyFiles.readDynamics(folder: empty.path)
        }
    }

    /// Other trainers' JSON: spaces, another key order, string ids, extra fields — same dynamics.
    @Test func tolerantOfOtherWriters() throws {
        let reordered = try read(epoch: 0) { lines in
            lines[0] = lines[0].replacingOccurrences(of: ",", with: ", ").replacingOccurrences(of: ":", with: ": ")
            lines[0] = "  " + lines[0] + "  "
            lines[1] = lines[1].replacingOccurrences(of: "{\"guid\"", with: "{\"note\":{\"a\":[1,true,null]},\"guid\"")
        }
        #expect(reordered == (try golden.readDynamics()).withMetadata(reordered.metadata))
        let folder = try PackagePaths.temporaryDirectory("ftft-carto-strings")
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeLines(["{\"gold\":1,\"logits_epoch_0\":[0.5,-1e-3],\"guid\":\"train-7\\u00e9\"}",
                        "{\"guid\":\"0012\",\"logits_epoch_0\":[2,1.5E+1],\"gold\":0}"], to: folder, name: "dynamics_epoch_0.jsonl")
        let d = try CartographyFiles.readDynamics(folder: folder.path)
        #expect(d.exampleIDs == ["train-7é", "0012"] && d.logits == [0.5, -0.001, 2, 15])
        #expect(d.integerID(at: 1) == nil)
        let line = String(decoding: CartographyFiles.encodeDynamicsLine(id: "0012", epoch: 0, logits: [2, 15], gold: 0), as: UTF8.self)
        #expect(line == "{\"guid\":\"0012\",\"logits_epoch_0\":[2.0,15.0],\"gold\":0}\n")
    }

    @Test func coordinateFiles() throws {
        let source = try golden.file("coordinates.jsonl")
        let lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n").map(String.init)
        let folder = try PackagePaths.temporaryDirectory("ftft-carto-coords")
        defer { try? FileManager.default.removeItem(at: folder) }
        func expectError(_ changed: [String], _ check: (CartographyError) -> Bool) throws {
            try writeLines(changed, to: folder, name: "c.jsonl")
            do {
                _ = try CartographyFiles.readDataMap(path: folder.appendingPathComponent("c.jsonl").path)
                Issue.record("expected an error")
            } catch let error as CartographyError {
                #expect(check(error), "unexpected: \(error)")
            }
        }
        try expectError(lines + [lines[3]]) {
            if case .duplicateExample(let at, _, let first) = $0 { return at.line == lines.count + 1 && first == 4 }
            return false
        }
        try expectError([lines[0].replacingOccurrences(of: "\"confidence\":", with: "\"confidence\":1")]) {
            if case .valueOutOfRange(_, let field, _) = $0 { return field == "confidence" }
            return false
        }
        try expectError([lines[0].replacingOccurrences(of: "\"correctness\":", with: "\"correctness\":0.5,\"x\":")]) {
            if case .wrongFieldType(_, let field, _) = $0 { return field == "correctness" }
            return false
        }
        try expectError([lines[0].replacingOccurrences(of: "\"variability\"", with: "\"var\"")]) {
            if case .missingField(_, let field) = $0 { return field == "variability" }
            return false
        }
    }
}

extension TrainingDynamics {
    func withMetadata(_ metadata: DynamicsMetadata) -> TrainingDynamics {
        var copy = self
        copy.metadata = metadata
        return copy
    }
}

/// A gzip member holding `data` in stored (uncompressed) deflate blocks (RFC 1951 §3.2.4, RFC 1952): enough to
/// test that gzip input is read exactly like plain input, without a compressor.
func gzipStored(_ data: [UInt8]) -> [UInt8] {
    var crcTable = [UInt32](repeating: 0, count: 256)
    for n in 0..<256 {
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        crcTable[n] = c
    }
    var crc: UInt32 = 0xFFFF_FFFF
    for b in data { crc = crcTable[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
    crc ^= 0xFFFF_FFFF
    var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
    var offset = 0
    repeat {
        let n = min(65_535, data.count - offset)
        let final: UInt8 = offset + n == data.count ? 1 : 0
        out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
        out += data[offset ..< offset + n]
        offset += n
    } while offset < data.count
    for v in [crc, UInt32(truncatingIfNeeded: data.count)] { out += (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    return out
}

@Test func gzipDynamicsReadLikePlainOnes() throws {
    let golden = try GoldenCase("e4c3", epochs: 4)
    let folder = try PackagePaths.temporaryDirectory("ftft-carto-gzip")
    defer { try? FileManager.default.removeItem(at: folder) }
    for e in 0..<4 {
        let plain = try Data(contentsOf: golden.folder.appendingPathComponent("dynamics_epoch_\(e).jsonl"))
        try Data(gzipStored([UInt8](plain))).write(to: folder.appendingPathComponent("dynamics_epoch_\(e).jsonl.gz"))
    }
    let fromGzip = try CartographyFiles.readDynamics(folder: folder.path)
    #expect(fromGzip.withMetadata(DynamicsMetadata(mode: .unknown, source: "")) == (try golden.readDynamics()).withMetadata(DynamicsMetadata(mode: .unknown, source: "")))
}
