from django.core.management.base import BaseCommand, CommandError

from delivery import chores
from delivery.runner import (
    IDLE_SECONDS,
    Channels,
    exit_code,
    run_forever,
    stop_on_signals,
    summary_line,
)


class Command(BaseCommand):
    help = ("Доставляет очередь во все каналы (Битрикс24, Telegram, SMS) в цикле; "
            "останавливается по SIGTERM. С --once — один проход для cron: код выхода 0 — всё "
            "доставлено, 1 — были ошибки, 2 — ошибка настройки.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="один проход и выход")
        parser.add_argument("--max-jobs", type=int, default=None,
                            help="не больше стольких заданий каждого канала за проход")

    def handle(self, *args, **options):
        channels = Channels()
        if options["once"]:
            summaries = channels.deliver(max_jobs=options["max_jobs"])
            self.stdout.write(summary_line(summaries))
            for line in chores.run_due():
                self.stdout.write(line)
            if code := exit_code(summaries):
                raise CommandError("есть ошибки доставки" if code == 1 else "ошибка настройки",
                                   returncode=code)
            return
        stop = stop_on_signals()
        self.stdout.write(f"Очередь доставки: воркер запущен ({', '.join(channels.names)}).")
        # A configuration error rests only its channel (Channels.deliver): no global pause.
        run_forever(channels.deliver, stop=stop, names=channels.active_names,
                    write=self.stdout.write, config_pause_seconds=IDLE_SECONDS)
        self.stdout.write("Очередь доставки: воркер остановлен.")
