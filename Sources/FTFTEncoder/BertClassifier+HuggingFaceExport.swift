import Foundation
import FTFTIO
import FTFTTensors

/// Writing a model as a Hugging Face `BertForSequenceClassification` folder: `config.json` and
/// `model.safetensors` with Hugging Face's tensor names (`ParameterLayout`'s, `bert.` prefix included), which
/// `from_pretrained` loads as it is and `PretrainedCheckpoint` reads back bit for bit.
extension BertClassifier {
    /// The parameters as Hugging Face `model.safetensors` tensors (F32, layout order); `metadata` goes to
    /// `__metadata__` (`format: pt`, as `save_pretrained` writes, is always set).
    public func huggingFaceTensors() -> [SafetensorsTensor] {
        parameterEntries.map { SafetensorsTensor(name: $0.name, shape: $0.shape, tensor: parameters, offset: $0.offset) }
    }

    /// Writes `model.safetensors` (Hugging Face names) to `path`, atomically.
    public func writeHuggingFaceWeights(path: String, metadata: [String: String] = [:]) throws {
        var metadata = metadata
        metadata["format"] = "pt"
        try SafetensorsFile.write(path: path, tensors: huggingFaceTensors(), metadata: metadata)
    }
}

extension BertConfig {
    /// `config.json` of a `BertForSequenceClassification` with these dimensions and `labelNames` as id2label /
    /// label2id (keys sorted, floats in their shortest exact form, so the same model always gives the same bytes).
    public func huggingFaceConfigJSON(labelNames: [String]) throws -> String {
        guard labelNames.count == numLabels else {
            throw EncoderError.invalidConfig(field: "id2label", reason: "\(labelNames.count) label names for \(numLabels) labels")
        }
        func string(_ s: String) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
            return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
        }
        let id2label = labelNames.enumerated().map { "    \(string(String($0))): \(string($1))" }.joined(separator: ",\n")
        let label2id = labelNames.enumerated().sorted { $0.element < $1.element }
            .map { "    \(string($1)): \($0)" }.joined(separator: ",\n")
        let fields: [(String, String)] = [
            ("architectures", "[\"BertForSequenceClassification\"]"),
            ("attention_probs_dropout_prob", "\(attentionDropout)"),
            ("classifier_dropout", classifierDropout.map { "\($0)" } ?? "null"),
            ("hidden_act", string(hiddenAct)),
            ("hidden_dropout_prob", "\(hiddenDropout)"),
            ("hidden_size", "\(hiddenSize)"),
            ("id2label", "{\n\(id2label)\n  }"),
            ("initializer_range", "\(initializerRange)"),
            ("intermediate_size", "\(intermediateSize)"),
            ("label2id", "{\n\(label2id)\n  }"),
            ("layer_norm_eps", "\(layerNormEps)"),
            ("max_position_embeddings", "\(maxPositions)"),
            ("model_type", "\"bert\""),
            ("num_attention_heads", "\(heads)"),
            ("num_hidden_layers", "\(layers)"),
            ("pad_token_id", "\(padTokenId)"),
            ("position_embedding_type", "\"absolute\""),
            ("problem_type", "\"single_label_classification\""),
            ("type_vocab_size", "\(typeVocabSize)"),
            ("vocab_size", "\(vocabSize)"),
        ]
        return "{\n" + fields.map { "  \"\($0)\": \($1)" }.joined(separator: ",\n") + "\n}\n"
    }
}
