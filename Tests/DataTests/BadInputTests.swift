import FTFTData
import Foundation
import Testing

/// Every `DatasetError` a user's file can cause, each naming file, line and field, on files written here.
/// Errors sit on the last record where possible, so a reader that returned what it had read so far would
/// be caught (a reader returns the whole set or throws).
struct BadInputTests {
    /// Runs `read` and returns the `DatasetError` it throws; records an issue if it returns or throws another.
    func failure(_ read: () throws -> LabeledDataset) -> DatasetError? {
        do {
            let set = try read()
            Issue.record("expected a DatasetError, got a set of \(set.count) examples")
        } catch let error as DatasetError {
            #expect(!error.description.isEmpty)
            return error
        } catch {
            Issue.record("expected a DatasetError, got \(error)")
        }
        return nil
    }

    let anliHeaderless = #"{"uid": "u1", "context": "p", "hypothesis": "h", "label": "e"}"#

    @Test func missingFile() throws {
        let path = try TestFiles().missing("nope.jsonl")
        #expect(failure { try LabeledDataset.readANLI(path: path, name: "x") } == .missingFile(path: path))
        #expect(failure { try LabeledDataset.readCAD(path: path) } == .missingFile(path: path))
    }

    @Test func badJSON() throws {
        let files = try TestFiles()
        let path = try files.write("a.jsonl", anliHeaderless + "\n{\"uid\": \"u2\", \"context\": \n")
        #expect(failure { try LabeledDataset.readANLI(path: path, name: "x") } == .badJSON(path: path, line: 2, reason: "invalid JSON"))
        let array = try files.write("b.jsonl", anliHeaderless + "\n[1, 2]\n")
        #expect(failure { try LabeledDataset.readANLI(path: array, name: "x") }
                == .badJSON(path: array, line: 2, reason: "the line is a JSON value but not an object"))
    }

    @Test func wrongColumnCount() throws {
        let path = try TestFiles().write("c.tsv", "id\ttext\tlabels\np1\tok\tNeutral\np2\tNeutral\n")
        #expect(failure { try LabeledDataset.readCAD(path: path) } == .wrongColumnCount(path: path, line: 3, expected: 3, found: 2))
        let csv = try TestFiles().write("d.csv", "acl.id,text,label,round\na,\"x, y\",hate,2a\nb,x,y,hate,2a\n")
        #expect(failure { try LabeledDataset.readDynaHate(path: csv) } == .wrongColumnCount(path: csv, line: 3, expected: 4, found: 5))
    }

    @Test func unbalancedAndBadQuotes() throws {
        let files = try TestFiles()
        let open = try files.write("e.csv", "acl.id,text,label,round\na,fine,hate,2a\nb,\"never closed,hate,2a\nc,more,hate,2a\n")
        #expect(failure { try LabeledDataset.readDynaHate(path: open) } == .unbalancedQuotes(path: open, line: 3, field: 2))
        let after = try files.write("f.csv", "acl.id,text,label,round\nb,\"quoted\"tail,hate,2a\n")
        #expect(failure { try LabeledDataset.readDynaHate(path: after) } == .badQuoting(path: after, line: 2, field: 2))
    }

    @Test func unknownLabels() throws {
        let files = try TestFiles()
        let hans = try files.write("h.tsv", "gold_label\tsentence1\tsentence2\tpairID\theuristic\tsubcase\ttemplate\n"
                                   + "entailment\ta\tb\tex0\tlo\ts\tt\nmaybe\ta\tb\tex1\tlo\ts\tt\n")
        #expect(failure { try LabeledDataset.readHANS(path: hans) }
                == .unknownLabel(path: hans, line: 3, field: "gold_label", value: "maybe", known: ["entailment", "non-entailment"]))
        let cad = try files.write("c.tsv", "id\ttext\tlabels\np1\tx\tNeutral,Rude\n")
        #expect(failure { try LabeledDataset.readCAD(path: cad) }
                == .unknownLabel(path: cad, line: 2, field: "labels", value: "Rude", known: LabeledDataset.cadCategories))
        let anli = try files.write("a.jsonl", anliHeaderless.replacingOccurrences(of: "\"e\"", with: "\"x\""))
        #expect(failure { try LabeledDataset.readANLI(path: anli, name: "a") }
                == .unknownLabel(path: anli, line: 1, field: "label", value: "x", known: ["e", "n", "c"]))
        let generic = try files.write("g.csv", "t,l\nx,2\n")
        let mapping = ColumnMapping(textField: "t", labelField: "l", labels: .indices(count: 2))
        #expect(failure { try LabeledDataset.readGeneric(path: generic, format: .csv, mapping: mapping, name: "g") }
                == .unknownLabel(path: generic, line: 2, field: "l", value: "2", known: ["integers 0…1"]))
    }

    @Test func missingAndInvalidFields() throws {
        let files = try TestFiles()
        let json = try files.write("m.jsonl", anliHeaderless + "\n" + #"{"uid": "u2", "context": "p", "label": "e"}"#)
        #expect(failure { try LabeledDataset.readANLI(path: json, name: "a") } == .missingField(path: json, line: 2, field: "hypothesis"))
        let column = try files.write("m.tsv", "id\tbody\tlabels\np\tx\tNeutral\n")
        #expect(failure { try LabeledDataset.readCAD(path: column) } == .missingField(path: column, line: 1, field: "text"))
        let null = try files.write("n.jsonl", #"{"uid": "u1", "context": null, "hypothesis": "h", "label": "e"}"#)
        #expect(failure { try LabeledDataset.readANLI(path: null, name: "a") }
                == .invalidField(path: null, line: 1, field: "context", reason: "null where text is expected"))
        let number = try files.write("k.jsonl", #"{"uid": "u1", "context": 5, "hypothesis": "h", "label": "e"}"#)
        #expect(failure { try LabeledDataset.readANLI(path: number, name: "a") }
                == .invalidField(path: number, line: 1, field: "context", reason: "not a string"))
        let bert = try files.write("b.tsv", "index\tpremise\thypothesis\tgold_label\tcorrect\n0\tp\th\tneutral\t101\n")
        #expect(failure { try LabeledDataset.readMultiNLIBert100(path: bert) }
                == .invalidField(path: bert, line: 2, field: "correct", reason: "'101' is not an integer 0…100"))
        let glue = try files.write("g.tsv", "index\tsentence1\tsentence2\tgold_label\n0\ta\tb\tneutral\n")
        #expect(failure { try LabeledDataset.readGLUEMultiNLI(path: glue) } == .missingField(path: glue, line: 1, field: "sentence1 (column 8)"))
    }

    @Test func invalidUTF8() throws {
        let bytes = Array("id\ttext\tlabels\np1\tok\tNeutral\np2\t".utf8) + [0xC3, 0x28] + Array("\tNeutral\n".utf8)
        let path = try TestFiles().write("u.tsv", bytes: bytes)
        #expect(failure { try LabeledDataset.readCAD(path: path) } == .io(.invalidUTF8(path: path, line: 3)))
    }

    @Test func truncatedGzip() throws {
        var lines = "id\ttext\tlabels\n"
        for i in 0..<200 { lines += "p\(i)\tsome text \(i)\tNeutral\n" }
        let whole = TestFiles.gzipStored(Array(lines.utf8))
        let files = try TestFiles()
        let good = try files.write("ok.tsv.gz", bytes: whole)
        #expect(try LabeledDataset.readCAD(path: good).count == 200)
        let cut = try files.write("cut.tsv.gz", bytes: Array(whole.prefix(whole.count / 2)))
        guard case .io(.truncatedGzip(let path, let line))? = failure({ try LabeledDataset.readCAD(path: cut) }) else {
            Issue.record("a truncated gzip stream was not reported as such")
            return
        }
        #expect(path == cut)
        #expect(line > 1)
    }

    @Test func emptyFiles() throws {
        let files = try TestFiles()
        let empty = try files.write("e.tsv", "")
        #expect(failure { try LabeledDataset.readCAD(path: empty) } == .emptyFile(path: empty, reason: "no header line"))
        let headerOnly = try files.write("h.tsv", "id\ttext\tlabels\n\n")
        #expect(failure { try LabeledDataset.readCAD(path: headerOnly) } == .emptyFile(path: headerOnly, reason: "a header but no examples"))
        let blank = try files.write("b.jsonl", "\n  \n")
        #expect(failure { try LabeledDataset.readANLI(path: blank, name: "a") } == .emptyFile(path: blank, reason: "no JSON objects"))
        let mapping = ColumnMapping(textField: "t", labelField: "l", labels: .names(["x", "y"]))
        #expect(failure { try LabeledDataset.readGeneric(path: blank, format: .jsonl, mapping: mapping, name: "g") }
                == .emptyFile(path: blank, reason: "no JSON objects"))
        let noRound = try files.write("d.csv", "acl.id,text,label,round\na,x,hate,1\n")
        #expect(failure { try LabeledDataset.readDynaHate(path: noRound, round: 3, level: .perturbation) }
                == .emptyFile(path: noRound, reason: "no examples with round 3b"))
    }

    @Test func duplicateIDs() throws {
        let files = try TestFiles()
        let path = try files.write("d.jsonl", [anliHeaderless, anliHeaderless.replacingOccurrences(of: "u1", with: "u2"), anliHeaderless].joined(separator: "\n"))
        #expect(failure { try LabeledDataset.readANLI(path: path, name: "a") }
                == .duplicateID(path: path, line: 3, field: "uid", id: "u1", firstLine: 1))
        let tsv = try files.write("d.tsv", "gold_label\tsentence1\tsentence2\tpairID\theuristic\tsubcase\ttemplate\n"
                                  + "entailment\ta\tb\tex0\tl\ts\tt\nentailment\ta\tb\tex0\tl\ts\tt\n")
        #expect(failure { try LabeledDataset.readHANS(path: tsv) } == .duplicateID(path: tsv, line: 3, field: "pairID", id: "ex0", firstLine: 2))
    }

    @Test func invalidMappings() throws {
        let path = try TestFiles().write("g.csv", "t,l\nx,a\n")
        let one = ColumnMapping(textField: "t", labelField: "l", labels: .names(["a"]))
        #expect(failure { try LabeledDataset.readGeneric(path: path, format: .csv, mapping: one, name: "g") }
                == .invalidMapping(reason: "at least two classes are needed, got 1"))
        let repeated = ColumnMapping(textField: "t", labelField: "l", labels: .names(["a", "a"]))
        #expect(failure { try LabeledDataset.readGeneric(path: path, format: .csv, mapping: repeated, name: "g") }
                == .invalidMapping(reason: "label names repeat: [\"a\", \"a\"]"))
    }
}
