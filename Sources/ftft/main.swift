import FTFTCommandLine

FTFTCommand.main()
