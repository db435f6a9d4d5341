from django.core.management.base import BaseCommand, CommandError

from notifications.telegram.ops import SetupError, setup


class Command(BaseCommand):
    help = "Проверяет токен бота (getMe) и регистрирует вебхук портала с секретом (setWebhook)."

    def handle(self, *args, **options):
        try:
            self.stdout.write(setup())
        except SetupError as error:
            raise CommandError(str(error)) from error
