"""Where the graph lives: ``base`` (the contract), one file per backend, ``factory.open_store`` to pick one."""
