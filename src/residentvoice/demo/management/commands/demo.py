"""`residentvoice demo load`: the Richmond demonstration, safe to run again."""

from django_typer.management import TyperCommand, command, initialize

from residentvoice.demo.services import demo_load


class Command(TyperCommand):
    help = "The Richmond demonstration data."

    @initialize()
    def init(self) -> None:
        """Makes `demo` a group, so its subcommands are named (`demo load`)."""

    @command()
    def load(self) -> None:
        """Load or refresh the demonstration: council, landlords, charter, demo people."""
        result = demo_load()
        if result.created:
            self.stdout.write(f"Demonstration loaded: {len(result.created)} records created.")
        else:
            self.stdout.write("Demonstration already loaded: nothing changed.")
        self.stdout.write(
            f"{result.landlords} landlords, {result.people} demonstration people. {result.charter}"
        )
