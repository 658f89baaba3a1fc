"""Running the command line in the test process."""

from bea.cli.main import main


def run_exit(capsys, *argv):
    """``(status, stdout, stderr)`` of ``bea argv``, also for the errors argparse reports by exiting."""
    try:
        status = main(list(argv))
    except SystemExit as stop:
        status = stop.code
    out, err = capsys.readouterr()
    return status, out, err
