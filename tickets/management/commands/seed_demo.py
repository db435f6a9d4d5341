from django.core.management.base import BaseCommand

from tickets.demo import seed_demo


class Command(BaseCommand):
    help = "Демо-данные: отделы, теги, менеджер, клиент с заявками. Повторный запуск ничего не дублирует."

    def handle(self, *args, **options):
        result = seed_demo()
        self.stdout.write(self.style.SUCCESS("Демо-данные готовы."))
        self.stdout.write(f"Менеджер: http://127.0.0.1:8000/admin/  логин {result.manager_username}  "
                          f"пароль {result.manager_password}")
        self.stdout.write(f"Клиент: телефон {result.client_phone}; код входа появится в терминале "
                          f"сервера (SMS_BACKEND=console).")
