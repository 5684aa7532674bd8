// FTFTExperiments: the methods (ERM, ERM(ES), DM, Random DM, FTFT), the compute ledger, experiment files
// (YAML via Yams), aggregation across seeds, and the paper's tables.
import Yams
