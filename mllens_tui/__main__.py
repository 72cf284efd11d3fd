from mllens_tui.cli import main

raise SystemExit(main())
