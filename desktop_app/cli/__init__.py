"""The ``aftersales`` command: the GUI by default, one subcommand per job."""
