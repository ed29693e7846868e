import ConfluenceKMCLI

ConfluenceKMCommand.main()
