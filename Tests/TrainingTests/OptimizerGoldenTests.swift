import Foundation
import Testing
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport
@testable import FTFTTraining

/// Golden level "optimizer": ftft's AdamW + schedule + clipping against torch 2.15 / transformers
/// (golden/generate_optimizer.py).
@Suite("Optimizer golden")
struct OptimizerGoldenTests {
    @Test("linear warmup schedule: FTFT's warmup rule and every multiplier equal transformers' lambda exactly")
    func schedule() throws {
        let fixture = try GoldenFixture("schedule_linear_warmup.ftg")
        let count = (fixture.metadata["count"] as? Int) ?? 0
        #expect(count >= 7)
        for k in 0..<count {
            let config = try fixture.ints("schedule\(k)/config")
            let rate = try fixture.entry("schedule\(k)/rate").doubles[0]
            let schedule = LinearWarmupSchedule(totalSteps: config[0], warmupRate: rate, baseLearningRate: 1)
            #expect(schedule.warmupSteps == config[1], "T \(config[0]) rate \(rate)")
            let steps = try fixture.ints("schedule\(k)/steps")
            let expected = try fixture.entry("schedule\(k)/multiplier").doubles
            for (s, e) in zip(steps, expected) {
                #expect(schedule.multiplier(schedulerStep: s) == e, "T \(config[0]) rate \(rate) step \(s)")
            }
        }
    }

    @Test("AdamW + clipping + schedule, 14 updates: lr exact, norms and clip coefficients, parameters and moments per step")
    func adamw() throws {
        let fixture = try GoldenFixture("optimizer_adamw.ftg")
        let args = fixture.metadata["args"] as? [String: Any] ?? [:]
        let steps = args["steps"] as? Int ?? 0
        let baseLR = args["base_lr"] as? Double ?? 0
        let weightDecay = args["weight_decay"] as? Double ?? 0
        let warmupRate = args["warmup_rate"] as? Double ?? 0
        #expect(steps >= 12)

        // The arena in the generator's order, 16-float aligned like ParameterLayout (padding must stay zero).
        let names = fixture.order.filter { $0.hasPrefix("param/") }.map { String($0.dropFirst(6)) }
        var entries: [ParameterLayout.Entry] = []
        var offset = 0
        for name in names {
            let shape = Array(try fixture.shape("param/\(name)").dropFirst())
            entries.append(ParameterLayout.Entry(name: name, shape: shape, offset: offset))
            offset += (shape.reduce(1, *) + 15) / 16 * 16
        }
        #expect(entries.filter(\.decays).count == 2 && entries.filter { !$0.decays }.count == 2)
        let parameters = Tensor(zeros: [offset]), gradients = Tensor(zeros: [offset])
        for e in entries {
            let initial = try fixture.floats("param/\(e.name)")
            for j in 0..<e.count { parameters[e.offset + j] = initial[j] }
        }
        let optimizer = AdamW(entries: entries, arenaCount: offset,
                              hyperparameters: AdamWHyperparameters(epsilon: 1e-6, weightDecay: weightDecay))
        let schedule = LinearWarmupSchedule(totalSteps: steps, warmupRate: warmupRate, baseLearningRate: baseLR)
        let expectedLR = try fixture.entry("lr").doubles
        let expectedNorm = try fixture.floats("total_norm"), expectedCoef = try fixture.floats("clip_coef")
        #expect(expectedCoef.contains { $0 < 1 } && expectedCoef.contains { $0 == 1 }, "fixture must clip some steps, not all")

        var worst: [String: Comparison] = [:]
        func track(_ c: Comparison, _ kind: String) {
            #expect(c.passed, "\(c)")
            if c.worstBudgetUsed >= (worst[kind]?.worstBudgetUsed ?? -1) { worst[kind] = c }
        }
        var identical = 0, total = 0
        for t in 0..<steps {
            gradients.zero()
            for e in entries {
                let g = try fixture.floats("grad/\(e.name)")
                let per = e.count
                for j in 0..<per { gradients[e.offset + j] = g[t * per + j] }
            }
            let norm = try GradientClipping.clip(gradients: gradients, entries: entries, maxNorm: 1.0, step: t + 1)
            track(compare("total_norm[\(t)]", actual: [norm.totalNorm], actualShape: [1],
                          expected: [expectedNorm[t]], expectedShape: [1], tolerance: .forward), "norm")
            track(compare("clip_coef[\(t)]", actual: [norm.clipCoefficient], actualShape: [1],
                          expected: [expectedCoef[t]], expectedShape: [1], tolerance: .forward), "norm")
            let lr = schedule.learningRate(update: t + 1)
            #expect(lr == expectedLR[t], "lr of update \(t + 1)")
            optimizer.step(parameters: parameters, gradients: gradients, learningRate: lr, threads: 2)
            for e in entries {
                for (kind, arena) in [("param", parameters), ("exp_avg", optimizer.firstMoment), ("exp_avg_sq", optimizer.secondMoment)] {
                    let all = try fixture.floats("\(kind)/\(e.name)")
                    let row = kind == "param" ? t + 1 : t
                    let expected = Array(all[row * e.count ..< (row + 1) * e.count])
                    let actual = Array(UnsafeBufferPointer(start: arena.data + e.offset, count: e.count))
                    track(compare("\(kind)/\(e.name) after update \(t + 1)", actual: actual, actualShape: e.shape,
                                  expected: expected, expectedShape: e.shape, tolerance: .training), kind)
                    identical += zip(actual, expected).filter { $0.bitPattern == $1.bitPattern }.count
                    total += e.count
                }
            }
        }
        #expect(optimizer.stepCount == steps)
        // Alignment padding is never written.
        var padding = Set(0..<offset)
        for e in entries { padding.subtract(e.offset ..< e.offset + e.count) }
        #expect(padding.allSatisfy { parameters[$0] == 0 && optimizer.firstMoment[$0] == 0 })
        for (_, c) in worst.sorted(by: { $0.key < $1.key }) { print("ToleranceReport \(c)") }
        print("ToleranceReport optimizer: \(identical) of \(total) values bit-identical to torch")
    }
}
