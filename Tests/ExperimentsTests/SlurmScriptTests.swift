import Foundation
@testable import FTFTExperiments
import Testing

/// The pure parts of `ftft submit slurm`: array index lists, MaxArraySize splitting, reading `scontrol show job -o`,
/// and what the scripts must contain for requeue and resume to work.
struct SlurmScriptTests {
    @Test func indexListsRoundTrip() {
        #expect(SlurmClient.indexList([3, 0, 1, 2, 7, 9, 10, 10]) == "0-3,7,9-10")
        #expect(SlurmClient.expandIndexList("0-3,7,9-10%2") == [0, 1, 2, 3, 7, 9, 10])
        #expect(SlurmClient.indexList([]) == "")
    }

    /// MaxArraySize caps the highest array index: index i goes to part ⌊i/M⌋ as i mod M, offset M·⌊i/M⌋.
    @Test func arraysBeyondMaxArraySizeAreSplitWithOffsets() {
        let parts = SlurmScripts.split([0, 5, 1000, 1001, 2500], maxArraySize: 1001)
        #expect(parts.map(\.offset) == [0, 1001, 2002])
        #expect(parts.map(\.indices) == [[0, 5, 1000], [0], [498]])
        for part in parts { #expect(part.indices.allSatisfy { $0 < 1001 }) }
        #expect(SlurmScripts.split([0, 1, 2, 3], maxArraySize: 2).map(\.indices) == [[0, 1], [0, 1]])
    }

    @Test func taskStatesFromScontrol() {
        let text = """
            JobId=12 ArrayJobId=10 ArrayTaskId=2 JobName=a JobState=RUNNING Reason=None
            JobId=10 ArrayJobId=10 ArrayTaskId=3-5,7 JobName=a JobState=PENDING Reason=Priority
            JobId=13 ArrayJobId=10 ArrayTaskId=0 JobName=a JobState=COMPLETED Reason=None
            """
        #expect(SlurmClient.parseTaskStates(text) == [2: "RUNNING", 3: "PENDING", 4: "PENDING", 5: "PENDING", 7: "PENDING", 0: "COMPLETED"])
    }

    @Test func theStageScriptForwardsSignalsRequeuesAndAppends() {
        let script = SlurmScripts.stage(.dependent, experimentName: "x", ftft: "/opt/it's/ftft", resolvedExperiment: "/r/e.json",
                                        outputRoot: "/r", logs: "/r/x/slurm/logs",
                                        resources: SlurmResources(time: "1:00:00", cpusPerTask: 2, signalSeconds: 120))
        for line in ["#SBATCH --open-mode=append", "#SBATCH --requeue", "#SBATCH --signal=B:USR1@120", "#SBATCH --time=1:00:00",
                     "#SBATCH --cpus-per-task=2", "#SBATCH --output=/r/x/slurm/logs/dependent-%a.out",
                     "trap 'signalled=USR1; kill -USR1 \"$pid\" 2>/dev/null' USR1", "scontrol requeue \"$SLURM_JOB_ID\""] {
            #expect(script.contains(line), "\(line)")
        }
        #expect(script.contains("'/opt/it'\\''s/ftft' run '/r/e.json' --output '/r' --stage dependent --array-index \"$index\""))
        let merge = SlurmScripts.merge(experimentName: "x", ftft: "/f", experimentDirectory: "/r/x", logs: "/l",
                                       resources: SlurmResources(cpusPerTask: 8))
        #expect(merge.contains("'/f' merge '/r/x'") && merge.contains("--cpus-per-task=1") && !merge.contains("--requeue"))
    }
}
