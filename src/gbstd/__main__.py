from gbstd.cli.app import main

main()
