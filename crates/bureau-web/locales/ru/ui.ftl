# bureau, веб-интерфейс: русский (полный; те же идентификаторы, что и в английском).
# Официальный стиль, терминология ООН: Бюро, пленарное заседание, координатор.
# Формы множественного числа (CLDR): one (1, 21, 31…), few (2–4, 22–24…), many (0, 5–20, 25–30…),
# other (дроби). Числовые варианты ([0], [24]) стоят первыми: Fluent берёт первый подходящий.

app-name = bureau
app-description = Состав, расписание и записки о связи Координационного бюро, хранящиеся на этом компьютере и синхронизируемые с другими членами.

## Даты и время (время места проведения)

# Month names are in the genitive: «1 декабря 2026 г.».
date-long = { $weekday }, { $day } { $month } { $year } г.
date-short = { $weekday_short }, { $day } { $month_short }
date-time = { $date }, { $time }
# Between the items of a list (a string literal, so that its space is kept).
list-separator = { ", " }
weekday-1 = понедельник
weekday-2 = вторник
weekday-3 = среда
weekday-4 = четверг
weekday-5 = пятница
weekday-6 = суббота
weekday-7 = воскресенье
weekday-short-1 = пн
weekday-short-2 = вт
weekday-short-3 = ср
weekday-short-4 = чт
weekday-short-5 = пт
weekday-short-6 = сб
weekday-short-7 = вс
month-1 = января
month-2 = февраля
month-3 = марта
month-4 = апреля
month-5 = мая
month-6 = июня
month-7 = июля
month-8 = августа
month-9 = сентября
month-10 = октября
month-11 = ноября
month-12 = декабря
month-short-1 = янв.
month-short-2 = февр.
month-short-3 = мар.
month-short-4 = апр.
month-short-5 = мая
month-short-6 = июн.
month-short-7 = июл.
month-short-8 = авг.
month-short-9 = сент.
month-short-10 = окт.
month-short-11 = нояб.
month-short-12 = дек.
time = Время
venue-time = время места проведения ({ $zone })
footer-timezone = Указано время места проведения ({ $zone }). Все изменения сначала сохраняются на этом компьютере, а затем, при наличии связи, передаются другим членам.

## Языки

language-ar = арабский
language-zh = китайский
language-en = английский
language-fr = французский
language-ru = русский
language-es = испанский
language-pt = португальский
language-de = немецкий
language-it = итальянский
language-sw = суахили
language-label = Язык
language-apply = Сменить

## Оформление страницы

skip-to-content = Перейти к содержанию
nav-label = Главное меню
nav-overview = Обзор
nav-roster = Состав
nav-schedule = Расписание
nav-liaison = Связь
nav-conflicts = Конфликты
nav-peers = Узлы и устройства
live-updated = Страница обновлена: получены изменения с другого устройства.
sync-off = Синхронизация отключена
sync-not-running = На этом узле синхронизация с другими узлами не запущена.
sessions-title = Браузеры, в которых выполнен вход
sessions-explain = Браузер остаётся в системе 30 дней после того, как в нём была открыта ссылка для входа.
logout-button = Выйти
logout-all-button = Выйти во всех браузерах
logout-all-hint = Всем браузерам, в которых выполнен вход на этот узел, включая этот, потребуется снова открыть ссылку для входа (её выводит команда bureau status). Сценарии, использующие api-token, это не затрагивает.
sync-loading = Открытие записи: показана последняя сохранённая версия
sync-loading-older = Открытие записи: показано более раннее состояние, последние изменения ещё загружаются
sync-paused = Синхронизация приостановлена
sync-paused-explain = Обмен данными с другими устройствами не производится до возобновления.
sync-offline = Нет связи: изменения сохраняются на этом компьютере
sync-running = Работает
sync-in-sync = { $n ->
    [one] { $n } узел · синхронизирован
    [few] { $n } узла · синхронизированы
    [many] { $n } узлов · синхронизированы
   *[other] { $n } узла · синхронизированы
}
sync-syncing = { $n ->
    [one] { $n } узел · синхронизация
    [few] { $n } узла · синхронизация
    [many] { $n } узлов · синхронизация
   *[other] { $n } узла · синхронизация
}
sync-summary = { $connected ->
    [one] Подключено { $connected } устройство
    [few] Подключено { $connected } устройства
    [many] Подключено { $connected } устройств
   *[other] Подключено { $connected } устройства
}, синхронизировано: { $in_sync }.
sync-pause = Приостановить синхронизацию
sync-resume = Возобновить синхронизацию
sync-pause-hint = Приостановка разрывает все соединения («режим полёта»); ваши изменения остаются на этом компьютере.

## Вход и ошибки

login-title = Вход
login-wrong-title = Эта ссылка для входа недействительна
login-how = Откройте ссылку для входа, которую узел вывел при запуске. Чтобы увидеть её снова, выполните в терминале:
error-title = Произошла ошибка
error-not-found = Такой записи или страницы не существует.
error-not-found-loading = Этой записи пока нет среди показанных: возможно, она среди последних изменений, которые ещё загружаются. Обновите страницу через мгновение.
not-found-title = Страница не найдена
not-found-explain = По этому адресу страницы нет: возможно, адрес введён с ошибкой или ссылка устарела.
error-observer = Это устройство — наблюдатель: оно может просматривать данные Бюро, но не изменять их.
error-not-member = Это устройство ещё не входит в Бюро; сначала присоединитесь к нему по приглашению.
error-disk-full = Диск заполнен: освободите место и повторите попытку. Ничего не сохранено.
error-closed = Узел завершает работу.
error-not-saved = Не удалось сохранить изменение; см. журнал узла.
error-logout-not-saved = Не удалось сохранить выход из системы; см. журнал узла. После перезапуска узла браузеры могут остаться в системе.
error-body = Не удалось прочитать форму.
error-summary = Исправьте следующее
error-in-field = { $field }: { $message }
error-prefix = Ошибка:
back-to-overview = Вернуться к обзору

## Сообщения проверки

err-required = Заполните это поле.
err-end-before-start = Заседание должно заканчиваться позже, чем начинается.
err-too-long-meeting = Заседание не может длиться более 14 дней.
err-datetime = Укажите дату и время.
err-date = Укажите дату в виде 2025-11-16.
err-time = Укажите время в виде 09:30.
err-email = Укажите адрес электронной почты в виде name@example.org.
err-too-long = Слишком длинный текст.
err-single-line = Используйте одну строку.
err-invisible = Удалите из этого имени невидимый символ или символ направления текста.
err-language = Используйте коды языков, например en, fr или zh-Hans.
err-capacity = Вместимость не может превышать 100000.
err-number = Укажите целое число.
err-unknown-ref = Здесь указано то, чего не существует (или больше не существует).
err-address = Укажите адрес узла в виде /ip4/192.168.1.20/tcp/4001.
err-choice = Выберите один из вариантов.
err-period = Конец периода не может предшествовать его началу.

## Общие слова

save = Сохранить изменения
cancel = Отмена
archive = В архив
restore = Восстановить
undo = Отменить
archived-mark = в архиве
record-archived = Эта запись находится в архиве: она скрыта из списков, но сохранена. Восстановите её, чтобы вернуть.
record-findings = Требует внимания
record-no-findings = Ничто не требует внимания.
history-link = История изменений
unknown-person = кто-то
never = никогда
show-archived = Показать архивные
hide-archived = Скрыть архивные
field-required = (обязательно)
updated-by = Последнее изменение: { $name }, { $when }.
findings-count = { $n ->
    [one] { $n } замечание
    [few] { $n } замечания
    [many] { $n } замечаний
   *[other] { $n } замечания
}
findings-about = Замечания по теме «{ $name }»
conflicts-count = { $n ->
    [one] { $n } конфликт требует решения
    [few] { $n } конфликта требуют решения
    [many] { $n } конфликтов требуют решения
   *[other] { $n } конфликта требуют решения
}

## Страницы длинного списка

pager-label = { $list }: страницы
pager-status = Страница { $page } из { $pages }, с { $from } по { $to } из { $total }
pager-previous = Предыдущая страница
pager-next = Следующая страница
pager-page = Страница { $page }

## Уведомления после изменения

done-created = Создано.
done-saved = Изменения сохранены.
done-archived = Перемещено в архив.
done-archived-named = «{ $name }» перемещено в архив.
done-restored = Восстановлено.
done-merged = Члены объединены: всё, что относилось к другому, теперь относится к этому.
done-resolved = Конфликт разрешён: выбранное вами значение теперь общее для всех.
done-already = Этот конфликт уже разрешён, возможно, на другом компьютере.
done-recorded = Пересмотр зарегистрирован, статус групп обновлён.
done-admitted = Группа принята, черновик пересмотра сохранён.
done-paused = Синхронизация приостановлена.
done-resumed = Синхронизация возобновлена.
done-dialled = Выполняется подключение по этому адресу.
done-bundle = Пакет импортирован: теперь этот узел содержит его изменения.
done-revoked = Устройство отозвано; оно больше не может синхронизироваться.
done-role = Роль устройства изменена.

## Типы записей и поля

type-member = Член
type-device = Устройство
type-group = Группа
type-review = Пересмотр
type-room = Зал
type-meeting = Заседание
type-body = Орган
type-note = Записка
field-name = Имя
field-title = Название
field-kind = Вид
field-status = Статус
field-date = Дата
field-start = Начало
field-end = Окончание
field-end-date = Заканчивается в другой день
field-room = Зал
field-room-id = Зал
field-organiser = Группа-организатор
field-languages = Языки
field-languages-other = Другие коды языков
field-groups = Участвующие группы
field-members = Участвующие члены
field-attendees = Участники
field-agenda = Повестка дня
field-resources = Ресурсы
field-capacity = Мест
field-booths = Кабины устного перевода
field-equipment = Оборудование
field-organisation = Организация
field-email = Электронная почта
field-phone = Телефон
field-contact = Контакт
field-focal-points = Координаторы
field-focal-point-of = Координатор группы
field-group = Группа
field-attention = Требует внимания
field-decision = Решение
field-notes = Примечания
field-body = Орган
field-body-id = Орган
field-text = Текст
field-content-implications = Последствия по существу
field-plenary-consulted = Пленарное заседание проконсультировано
field-description = Описание
field-action = Поручение
field-owner = Ответственный
field-due = Срок
field-note = Записка
field-change = Изменение
field-from = С
field-to = По
field-role = Роль
field-address = Адрес узла
field-valid-for = Срок действия
hint-end-date = Только для заседания, которое заканчивается в другой день.
hint-languages = Рабочие языки; если их несколько, для каждого нужна кабина устного перевода.
hint-language-codes = Коды через пробел, например pt или zh-Hans.
hint-booths = Языки, для которых в этом зале есть кабина устного перевода.
hint-equipment = Разделяйте позиции запятыми.
hint-content-implications = По этому вопросу необходимо проконсультироваться с пленарным заседанием.
hint-resources = Что необходимо для заседания, например микрофоны, проектор или питание, и подтверждено ли это.
hint-address = В том виде, в каком его показывает другой узел, например /ip4/192.168.1.20/tcp/4001/p2p/12D3KooW…

## Обзор

overview-title = Обзор
overview-today = Заседания сегодня
overview-no-meetings = Сегодня заседаний нет.
overview-open-schedule = Открыть расписание
overview-sync = Синхронизация
overview-findings = { $n ->
    [0] Ничто не требует внимания
    [one] { $n } замечание требует внимания
    [few] { $n } замечания требуют внимания
    [many] { $n } замечаний требуют внимания
   *[other] { $n } замечания требуют внимания
}
overview-no-findings = Двойных бронирований, недостающих кабин, просроченных пересмотров и поручений нет.
conflicts-none-short = Одновременных изменений нет.
overview-damage-title = Некоторые сохранённые изменения пока не могут быть показаны
overview-damage = { $n ->
    [one] { $n } сохранённое изменение ожидает изменений, отсутствующих в файлах этого компьютера (файл повреждён или удалён)
    [few] { $n } сохранённых изменения ожидают изменений, отсутствующих в файлах этого компьютера (файл повреждён или удалён)
    [many] { $n } сохранённых изменений ожидают изменений, отсутствующих в файлах этого компьютера (файл повреждён или удалён)
   *[other] { $n } сохранённого изменения ожидают изменений, отсутствующих в файлах этого компьютера (файл повреждён или удалён)
}: { $files }. Ничего не удалено. Подключитесь к другому устройству Бюро: оно передаст недостающее, и это сообщение исчезнет.

## Замечания

kind-room-double-booked = Залы, забронированные дважды
kind-member-double-booked = Лица, ожидаемые в двух местах
kind-interpretation-not-covered = Устный перевод не обеспечен
kind-archived-reference = Ссылки на архивные записи
kind-group-without-focal-point = Группы без координатора
kind-review-overdue = Пересмотр состава просрочен
kind-group-inactive = Нет участия с последнего пересмотра
kind-plenary-consultation-pending = Ожидается консультация с пленарным заседанием
kind-action-overdue = Просроченные поручения
finding-room-double-booked = Зал { $room } забронирован дважды: «{ $a }» и «{ $b }» пересекаются по времени.
finding-member-double-booked = { $member } ожидается одновременно на заседаниях «{ $a }» и «{ $b }».
finding-interpretation-not-covered = Для заседания «{ $meeting }» необходим устный перевод на следующие языки: { $languages }, но в зале { $room } нет для этого кабины.
finding-archived-room = Заседание «{ $meeting }» проходит в зале { $name }, который находится в архиве.
finding-archived-group = В заседании «{ $meeting }» указана группа { $name }, которая находится в архиве.
finding-unknown-room = Заседание «{ $meeting }» проходит в несуществующем зале.
finding-unknown-group = В заседании «{ $meeting }» указана несуществующая группа.
finding-group-without-focal-point = У группы { $group } нет действующего координатора.
finding-review-overdue = Пересмотр состава должен был состояться { $date }.
finding-group-inactive = Группа { $group } не участвовала ни в одном заседании после пересмотра от { $date }.
finding-group-inactive-created = Группа { $group } не участвовала ни в одном заседании с момента создания ({ $date }).
finding-group-inactive-active-again = Группа { $group } не участвовала ни в одном заседании с момента возобновления деятельности ({ $date }).
finding-plenary-consultation-pending = Записка «{ $note }» имеет последствия по существу, а консультация с пленарным заседанием ещё не проведена.
finding-action-overdue = Срок поручения «{ $action }» ({ $owner }) истёк { $date }.
finding-action-overdue-note = Просрочено поручение по записке «{ $note }».

## Состав

roster-title = Состав
groups-title = Группы
members-title = Члены
group-new = Добавить группу
group-create = Добавить группу
member-new = Добавить члена
member-create = Добавить члена
group-status-history = Статус во времени
group-kind-family = Объединение
group-kind-caucus = Кокус
group-kind-working-group = Рабочая группа
group-kind-other = Иная группа
group-kind-plural-family = Объединения
group-kind-plural-caucus = Кокусы
group-kind-plural-working-group = Рабочие группы
group-kind-plural-other = Иные группы
group-status-active = Действующая
group-status-inactive = Неактивная
group-status-removed = Исключена
status-event-active = Действующая
status-event-inactive = Признана неактивной
status-event-removed = Исключена
status-event-returned = Восстановлена
review-title = Пересмотр состава
review-of = Пересмотр от { $date }
review-last = Последний зарегистрированный пересмотр:
review-none = Ни один пересмотр ещё не зарегистрирован.
review-next-due = Следующий пересмотр — не позднее { $date }.
review-overdue = Просрочен
review-inactive-groups = { $n ->
    [0] Все действующие группы с тех пор участвовали в заседаниях.
    [one] { $n } действующая группа с тех пор не участвовала ни в одном заседании.
    [few] { $n } действующие группы с тех пор не участвовали ни в одном заседании.
    [many] { $n } действующих групп с тех пор не участвовали ни в одном заседании.
   *[other] { $n } действующей группы с тех пор не участвовали ни в одном заседании.
}
review-continue = Продолжить пересмотр от { $date }
review-date = Дата пересмотра
review-start = Начать пересмотр
review-open = Открыт: решения ещё могут измениться
review-recorded = Зарегистрирован
review-since = Участие учитывается с пересмотра от { $date }.
review-see-last = Открыть этот пересмотр
review-first = Это первый пересмотр: участие пока не учитывается.
review-quiet-groups = Нет участия с последнего пересмотра
review-no-quiet-groups = Все действующие группы участвовали в заседаниях после последнего пересмотра.
review-other-groups = Другие группы
review-last-attended = последнее участие: { $date }
review-never-attended = участие не зарегистрировано
review-decisions = Решения
review-save = Сохранить черновик
review-record = Зарегистрировать пересмотр
review-record-hint = При регистрации решения вступают в силу: группы признаются неактивными, исключаются или восстанавливаются, и это отражается в их истории.
decision-keep = Сохранить
decision-inactive = Неактивна
decision-remove = Исключить
decision-return = Восстановить
review-decision-admit = Принять
review-admitted = Принята
review-new-groups = Новые группы
review-new-groups-hint = Эти группы присоединились после последнего пересмотра. Примите их, чтобы сохранить, или исключите.
review-admit-title = Принять новую группу
review-admit-hint = Группа сразу включается в состав; этот пересмотр фиксирует её принятие.
review-admit = Принять группу
review-err-return-active = Восстановить можно только неактивную или исключённую группу; эта группа действующая.
field-admit-name = Название новой группы
field-admit-kind = Её вид
field-admit-focal-points = Её координаторы

## Расписание

schedule-title = Расписание
schedule-days = Дни
schedule-view = Вид
view-timetable = Сетка
view-list = Список
day-previous = Предыдущий день
day-next = Следующий день
timetable-caption = Заседания { $date } по залам
schedule-no-meetings = В этот день заседаний нет.
schedule-day-findings = Замечания на этот день
schedule-no-findings = В этот день нет накладок и недостающих кабин.
rooms-title = Залы
room-new = Добавить зал
room-create = Добавить зал
room-option = { $name } (мест: { $capacity }; кабины: { $booths })
no-booths = нет
no-room = Зал пока не выбран
no-organiser = Нет
meeting-new = Новое заседание
meeting-create = Создать заседание
meeting-findings = Замечания по этому заседанию
meeting-no-findings = У этого заседания нет накладок.
meeting-as-saved = В сохранённом виде
meeting-now = идёт сейчас
meeting-status-proposed = Предложено
meeting-status-confirmed = Подтверждено
meeting-status-cancelled = Отменено
meeting-kind-bureau = Бюро
meeting-kind-plenary = Пленарное заседание
meeting-kind-caucus = Кокус
meeting-kind-working-group = Рабочая группа
meeting-kind-family = Объединение
meeting-kind-liaison = Связь
meeting-kind-briefing = Брифинг
meeting-kind-other = Другое
resource-name = Ресурс
resource-new = Добавить ресурс
resource-new-state = Запрошен или подтверждён
resource-remove = Удалить
resource-remove-named = Удалить { $name }
resource-state-requested = Запрошен
resource-state-confirmed = Подтверждён
resource-with-state = { $name } ({ $state })
attendees-count = { $groups ->
    [one] { $groups } группа
    [few] { $groups } группы
    [many] { $groups } групп
   *[other] { $groups } группы
}, { $members ->
    [one] { $members } человек
    [few] { $members } человека
    [many] { $members } человек
   *[other] { $members } человека
}

## Связь

liaison-title = Связь
bodies-title = Органы
bodies-all = Все органы
body-new = Добавить орган
body-create = Добавить орган
body-edit = Изменить этот орган
notes-all = Все записки
notes-none = Записок пока нет.
note-new = Новая записка
note-create = Создать записку
note-content-implications = Последствия по существу
note-plenary-consulted = Пленарное заседание проконсультировано
note-consultation-pending = Консультация ожидается
actions-title = Поручения
actions-none = Поручений нет.
action-add = Добавить поручение
action-add-button = Добавить поручение
action-done = Выполнено
action-open = Открыто
action-overdue = Просрочено
action-due = срок: { $date }
action-mark-done = Отметить как выполненное
action-mark-done-named = Отметить как выполненное: «{ $action }»
action-reopen = Открыть снова
action-reopen-named = Открыть снова: «{ $action }»
action-remove = Удалить
action-remove-named = Удалить: «{ $action }»
no-owner = Пока никто
report-link = Доклад пленарному заседанию
report-title = Доклад пленарному заседанию по организационно-техническим вопросам
report-period = { $bureau }, с { $from } по { $to }.
report-show = Показать период
report-print = Печать
report-notes = Записки о связи за период
report-consultation = Вопросы, требующие консультации с пленарным заседанием
report-actions = Поручения
report-meetings = Заседания
report-logistics = Залы и устный перевод
report-none = Нет.
report-no-issues = Двойных бронирований и недостающих кабин устного перевода нет.

## Конфликты и история

conflicts-title = Конфликты
conflicts-explain = Эти поля были изменены одновременно на двух компьютерах. Оба значения сохраняются, пока кто-либо не выберет одно из них; выбор становится общим для всех.
conflicts-none = Конфликтов нет. Здесь появляются поля, изменённые одновременно на двух компьютерах.
conflict-by = автор: { $name }
conflict-shown = показано сейчас
conflict-keep = Сохранить это значение
conflict-pick = Выберите одно из значений.
conflict-mark = Это поле было изменено одновременно на двух компьютерах. Оба значения сохраняются, пока кто-либо не выберет одно из них:
conflict-marks-summary = Некоторые поля этой записи были изменены одновременно на двух компьютерах. Их значения показаны рядом: сохраните верное, и его увидят все.
conflict-marks-all = Все конфликты
value-empty = (пусто)
value-yes = да
value-no = нет
history-title = История: { $name }
history-caption = { $n ->
    [one] { $n } изменение, сначала новые
    [few] { $n } изменения, сначала новые
    [many] { $n } изменений, сначала новые
   *[other] { $n } изменения, сначала новые
}
history-when = Когда
history-who = Кто
history-what = Что
history-fields = Что изменилось
history-verb-create = Создание
history-verb-update = Изменение
history-verb-archive = Перемещение в архив
history-verb-restore = Восстановление
history-verb-resolve = Разрешение конфликта
history-verb-add = Добавление
history-verb-revoke = Отзыв
history-verb-migrate = Обновление формата
history-verb-import = Импортировано
history-doc-edit-text = Изменил(а) текст
history-doc-comment = Оставил(а) комментарий
history-doc-reply = Ответил(а) на комментарий
history-doc-resolve-comment = Закрыл(а) комментарий
history-doc-reopen-comment = Вновь открыл(а) комментарий
history-doc-suggest = Предложил(а) формулировку
history-doc-accept = Принял(а) предложение
history-doc-reject = Отклонил(а) предложение
history-doc-name-version = Назвал(а) версию
history-doc-tidy = Убрал(а) формулировку, принятую дважды
field-versions = Версии
field-comments = Комментарии
field-suggestions = Предложенные формулировки
history-became = изменено на
history-added = добавлено:
history-removed = удалено:
history-spacing = Изменились только пробелы или переносы строк.
field-archived = В архиве
field-decisions = Решения
field-actions = Поручения

## Узлы и устройства

peers-page-title = Узлы и устройства
peers-open = Открыть узлы и устройства
peers-this-device = Это устройство
peers-peer-id = Идентификатор узла
peers-listening = Адреса для подключений
peers-sync = Синхронизация
peers-title = Узлы
peers-none = Другие узлы пока не обнаружены. Добавьте узел по адресу или пригласите новое устройство.
peers-device = Устройство
peers-member = Член
peers-connection = Соединение
peers-last-sync = Последняя синхронизация
peers-address = Адрес
peers-unknown-device = Неизвестное устройство
peer-connected = Подключён
peer-offline = Нет связи
peer-in-sync = Синхронизирован
peer-syncing = Синхронизация
bundle-title = Перенос изменений в файле
bundle-explain = Пакет содержит изменения Бюро, запечатанные так, что открыть его могут только устройства Бюро, и подписанные этим компьютером. Перенесите его на USB-накопителе, по электронной почте или в мессенджере на компьютер, который не может связаться с этим, и импортируйте его там. Повторный импорт того же пакета ничего не меняет.
bundle-download = Скачать пакет со всеми изменениями
bundle-file = Файл пакета
bundle-import-button = Импортировать пакет
bundle-no-file = Выберите файл пакета для импорта.
bundle-refused = Пакет отклонён: { $message }
dial-title = Добавить узел по адресу
dial-button = Подключиться
invite-title = Пригласить устройство
invite-button = Создать код приглашения
invite-hours = { $n ->
    [24] 1 день
    [168] 1 неделя
    [one] { $n } час
    [few] { $n } часа
    [many] { $n } часов
   *[other] { $n } часа
}
invite-ready = Код приглашения готов
invite-explain = Этот код позволяет одному новому устройству присоединиться в роли «{ $role }» до { $until }. Передайте его лично: прочитайте вслух, вставьте в чат или покажите QR-код.
invite-join-hint = На новом компьютере выполните:
invite-qr = QR-код приглашения
invite-code = Код для ввода:
invite-code-hint = Прочитайте его вслух или отправьте. В той же сети новый компьютер находит этот по номеру; два слова служат паролем. После трёх неверных попыток приглашение аннулируется.
invite-link = Ссылка-приглашение
invite-link-hint = Для компьютера, который не может найти этот по номеру (в другой сети или в сети Wi-Fi, изолирующей компьютеры друг от друга): ссылка содержит адреса этого узла. QR-код содержит ту же ссылку.
invites-title = Приглашения, созданные здесь
invites-until = Действительно до
invites-state = Состояние
invites-open = Действует, код
invites-wrong = { $n ->
    [one] ({ $n } неверная попытка)
    [few] ({ $n } неверные попытки)
    [many] ({ $n } неверных попыток)
   *[other] ({ $n } неверной попытки)
}
invites-burned = { $n ->
    [one] Аннулировано после { $n } неверной попытки ввода кода
    [few] Аннулировано после { $n } неверных попыток ввода кода
    [many] Аннулировано после { $n } неверных попыток ввода кода
   *[other] Аннулировано после { $n } неверной попытки ввода кода
}
invites-used = Использовано
invites-expired = Истекло
board-title = У кого последняя версия
board-explain = Устройства каждого члена Бюро и то, есть ли на каждом все изменения, которые есть на этом компьютере: по его последней синхронизации с этим компьютером или по сведениям другого компьютера, синхронизировавшегося с ним (например, узла-концентратора). Позволяет ответить на вопрос «у всех ли новое расписание?».
board-summary = Другие устройства, на которых есть всё, что есть на этом компьютере: { $n } из { $total }.
board-none = Других устройств пока нет.
board-member = Член Бюро
board-device = Устройство
board-state = Последняя версия?
board-when = По состоянию на
board-no-device = Нет устройств
board-this = этот компьютер
board-this-has = Этот компьютер
board-current = Есть всё
board-behind = { $n ->
    [one] Не хватает { $n } изменения
    [few] Не хватает { $n } изменений
    [many] Не хватает { $n } изменений
   *[other] Не хватает { $n } изменения
}
board-unknown = Неизвестно
board-via = (через { $name })
doctor-title = Почему этот компьютер может не синхронизироваться
doctor-ok = Ничто из того, что видит этот компьютер, не мешает синхронизации.
doctor-paused = Синхронизация на этом компьютере приостановлена.
doctor-paused-next = Возобновите её на этой странице.
doctor-no-address = У этого компьютера нет сетевого адреса, кроме собственного, поэтому другие компьютеры не могут с ним связаться.
doctor-no-address-next = Подключите его к сети Wi-Fi или кабелю.
doctor-no-multicast = У этого компьютера нет маршрута для многоадресной рассылки, поэтому он не может сам найти другие компьютеры в сети.
doctor-no-multicast-next = Подключите его к сети с маршрутизатором, добавьте адрес члена Бюро вручную или используйте узел-концентратор Бюро.
doctor-mdns-silent = Этот компьютер ищет другие в сети, но не обнаружил ни одного: возможно, эта сеть Wi-Fi блокирует многоадресную рассылку или изолирует компьютеры.
doctor-mdns-silent-next = Используйте узел-концентратор Бюро, перенесите изменения на USB-накопителе в виде пакета (на этой странице) или добавьте адрес члена Бюро вручную на этой странице.
doctor-unreachable = Связаться с устройством «{ $name }» не удаётся: { $errors }.
doctor-unreachable-next = Проверьте, что его узел работает и находится в сети, доступной этому компьютеру; его адрес указан на его странице участников сети.
doctor-address = По адресу { $addr } никто не отвечает: { $error }.
doctor-address-next = Проверьте адрес на странице участников сети другого компьютера и то, что его узел работает.
doctor-refused-revoked = Устройство «{ $name }» пыталось синхронизироваться, но оно отозвано, поэтому этот компьютер ему отказывает.
doctor-refused-stranger = Узел, не являющийся устройством этого Бюро ({ $name }), пытался синхронизироваться и получил отказ.
doctor-refused-next = Если так и должно быть, ничего делать не нужно; администратор может снова пригласить устройство.
doctor-this-revoked = Устройство этого компьютера отозвано: компьютеры других членов Бюро отказываются с ним синхронизироваться.
doctor-this-revoked-next = Попросите у администратора новое приглашение и присоединитесь по нему.
doctor-clock-ahead = Часы устройства «{ $name }» спешат на { $minutes } мин. относительно часов этого компьютера: время в записях каждого из вас будет казаться другому неверным.
doctor-clock-behind = Часы устройства «{ $name }» отстают на { $minutes } мин. от часов этого компьютера: время в записях каждого из вас будет казаться другому неверным.
doctor-clock-next = Настройте оба часов: автоматическое время из сети и правильный часовой пояс.
doctor-incompatible = На устройстве «{ $name }» установлен выпуск bureau, с которым этот компьютер не может синхронизироваться: оно отклонило { $protocol }.
doctor-incompatible-next = Установите один и тот же выпуск bureau на оба компьютера.
join-title = Присоединиться к другому Бюро
join-offer = Этот компьютер ещё ни для чего не использовался. Если вас пригласили в Бюро, присоединитесь к нему здесь: пустое Бюро этого узла будет отложено.
join-explain = Введите код, который вам передал пригласивший член, или вставьте ссылку-приглашение. Собственное Бюро этого узла, которым ещё никто не пользовался, откладывается (ничего не удаляется), и узел перезапускается с Бюро, к которому вы присоединяетесь.
join-code = Код или ссылка приглашения
join-code-hint = Например, 7-orbit-lantern или ссылка, начинающаяся с bureau1-.
join-name = Ваше имя
join-name-hint = В том виде, в каком его увидят другие члены. Оставьте поле пустым, если приглашение создано для вас как для члена (для другого вашего компьютера).
join-peer = Адрес пригласившего компьютера
join-peer-hint = Только если этот компьютер не может найти пригласивший в сети: адрес с его страницы узлов, например /ip4/203.0.113.7/tcp/4001.
join-button = Присоединиться
join-touched = В Бюро этого узла уже есть изменения, поэтому отложить его отсюда нельзя. Чтобы присоединиться к другому Бюро на этом компьютере, используйте другой каталог данных из терминала:
join-done = Вы присоединились
join-done-explain = Вы присоединились как { $name }. Узел перезапускается с новым Бюро, которое поступит с пригласившего компьютера; через несколько секунд эта страница откроет обзор.
join-open = Открыть обзор
member-merge-title = Это то же лицо, что и другой член?
member-merge-hint = Если этот член и другой — одно и то же лицо (например, компьютер, присоединившийся под новым именем), объедините их: всё, что относится к этому члену, переходит к другому, а этот перемещается в архив.
member-merge-into = Объединить с
member-merge-button = Объединить
devices-title = Устройства Бюро
devices-added = Добавлено
devices-this = это устройство
device-revoked = Отозвано
device-active = Действует
device-revoke = Отозвать
device-revoke-named = Отозвать: { $name }
device-revoke-self = Этот узел не может отозвать собственное устройство: это должен сделать узел другого члена.
role-editor = редактор
role-observer = наблюдатель
role-admin = администратор
role-relay = ретранслятор (узел-концентратор)
invite-member = Кто присоединяется
invite-member-hint = Новый участник указывает своё имя при присоединении; устройство того, кто уже входит в Бюро, присоединяется от имени этого члена.
invite-member-new = Новый участник
invite-member-own-only = Только администратор может пригласить устройство другого члена; вы можете приглашать новых участников и собственные устройства.
invite-admin-only = Только администратор может пригласить устройство администратора.
invite-observer = Это устройство не может приглашать: это может сделать только устройство редактора или администратора.
invite-explain-member = Этот код позволяет одному новому устройству члена { $name } присоединиться в роли «{ $role }» до { $until }. Передайте его лично: прочитайте вслух, вставьте в чат или покажите QR-код.
device-role-named = Роль устройства { $name }
device-role-change = Изменить
device-admin-only = Только администратор может отзывать устройства и менять роли.
device-last-admin = Это последнее устройство администратора в Бюро: сначала назначьте администратором другое устройство, чтобы в Бюро оставался администратор.

# A field the user and a peer both changed while the form was open.
contest-summary = Пока вы редактировали эту запись, её изменил другой пользователь. Там, где вы оба изменили поле, рядом показано другое значение: выберите, какое сохранить. Пока ничего не сохранено.
contest-changed-meanwhile = { $name } тем временем изменил(а) это на:
contest-keep-mine = Сохранить моё (значение в поле)
contest-keep-theirs = Сохранить другое
contest-removed = (удалено)
contest-empty = (пусто)
err-contest-choose = Выберите, какое значение сохранить.
error-form-heads = Эта форма была открыта для версии записи, которой нет на этом узле. Откройте запись снова и повторите изменения.
yes = Да
no = Нет

# Finding things: the search box, the schedule's filters, agendas and pickers.
search-label = Поиск по Бюро
search-button = Найти
search-title = Поиск
search-title-for = Поиск: { $q }
search-words = Искомые слова
search-hint = Находит членов, группы, залы, заседания, органы и записки по названиям, заголовкам и тексту. Регистр и диакритические знаки не важны, достаточно начала слова: «gen» находит «Genève».
search-too-long = Введите не более { $n } символов.
search-too-many-words = Введите не более { $n } слов.
search-results = { $n ->
    [0] Ничего не найдено
    [one] { $n } результат
    [few] { $n } результата
    [many] { $n } результатов
   *[other] { $n } результата
}
search-results-list = Результаты поиска
search-nothing = Нет записей, содержащих все эти слова. Попробуйте ввести меньше слов или начало имени.
filter-title = Показать только некоторые заседания
filter-group = Группа
filter-member = Член
filter-language = Язык
filter-any-room = Все залы
filter-any-group = Все группы
filter-any-member = Все участники
filter-any-language = Все языки
filter-apply = Показать
filter-clear = Показать все заседания
agenda-title = Моя программа
agenda-meetings = Заседания
agenda-upcoming = Предстоящие
agenda-past = Прошедшие
agenda-none = Нет.
agenda-in-person = лично
agenda-through = в составе группы { $group }
agenda-lead = Заседания участника { $name }: те, на которых вы присутствуете лично, и заседания групп, координатором которых вы являетесь.
agenda-groups = Вы являетесь координатором групп: { $groups }.
agenda-no-groups = Вы не являетесь координатором ни одной группы.
agenda-member-page = Ваша запись в составе
agenda-no-member = Это устройство ещё не принадлежит ни одному члену Бюро, поэтому у него нет программы. После присоединения здесь будут перечислены заседания его владельца.
room-meetings = Заседания в этом зале
group-meetings = Заседания этой группы
picker-filter = Показать только имена, содержащие
picker-none = Совпадений нет. Отмеченные имена остаются отмеченными.
picker-ticked = { $n ->
    [one] { $n } выбран, в начале списка
    [few] { $n } выбрано, в начале списка
    [many] { $n } выбрано, в начале списка
   *[other] { $n } выбрано, в начале списка
}

## Documents

type-document = Документ

## Электронные таблицы: экспорт и импорт (/roster/spreadsheets)
spreadsheets-title = Электронные таблицы
spreadsheets-link = Электронные таблицы
export-title = Экспорт
export-explain = Списки в виде файлов для программ электронных таблиц, без архивных записей. Файлы CSV сохраняют диакритические знаки и любую письменность; ячейка, которую программа выполнила бы как формулу, записывается как простой текст.
export-list = Список
export-csv = Файл CSV
export-xlsx = Книга Excel (XLSX)
export-meetings = Заседания
import-title = Импорт членов или групп
import-explain = Файл CSV или XLSX, в первой строке которого названы столбцы, как в экспортированном файле. Каждая строка сопоставляется с записью по адресу электронной почты или по имени: найденная запись обновляется, иначе добавляется новая. Вы увидите, что сделает каждая строка, прежде чем что-либо будет записано. Столбцы, которых нет в файле, остаются без изменений.
import-collection = В файле
import-file = Файл
import-file-hint = CSV (UTF-8) или XLSX.
import-preview = Предварительный просмотр импорта
import-preview-title = Что сделает импорт
import-row = Строка
import-action = Действие
import-details = Подробности
import-action-new = Новая запись
import-action-update = Обновление
import-action-unchanged = Без изменений
import-action-error = Ошибка
import-changes = Изменяет: { $fields }.
import-err-missing-name = В строке нет имени.
import-err-bad-email = «{ $value }» не является адресом электронной почты.
import-err-bad-language = «{ $value }» не является кодом языка, например en, fr или zh-Hans.
import-err-unknown-kind = «{ $value }» не является типом группы: family, caucus, working-group или other.
import-err-unknown-status = «{ $value }» не является статусом: active, inactive или removed.
import-err-unknown-member = Нет члена с именем «{ $value }». Сначала импортируйте членов.
import-err-ambiguous = Значению «{ $value }» соответствуют несколько записей: укажите адрес электронной почты, чтобы различить их.
import-err-duplicate = Эта запись уже названа в одной из предыдущих строк файла.
import-has-errors = Пока в строке есть ошибка, ничего не записывается. Исправьте файл и снова выполните предварительный просмотр.
import-nothing = Файл ничего не меняет: в Бюро всё это уже есть.
import-apply = Записать эти строки
import-done = Записано строк: { $count }.
import-stopped = Бюро больше не принимает одну из строк (с момента предварительного просмотра оно изменилось). Ничего не записано: проверьте отмеченную ниже строку и снова просмотрите файл.
import-file-error = Не удалось прочитать файл. { $message }
import-no-file = Выберите файл CSV или XLSX для импорта.

nav-documents = Документы
documents-title = Рабочие документы
documents-explain = Тексты, которые Бюро готовит совместно: устав, заявления, доклад пленарному заседанию. Каждый редактирует, комментирует и предлагает формулировки на своём компьютере; при синхронизации изменения объединяются слово за словом.
documents-none = Документов пока нет.
document-new = Новый документ
document-create = Создать документ
document-text-hint = Переносы строк сохраняются.
document-bracketed = Текст является проектом с замечаниями в квадратных скобках
document-bracketed-hint = [Имя: замечание] становится комментарием этого лица, вопрос в скобках — комментарием без имени, а «слово [другое]» — предложением написать «другое» вместо «слово». Скобки удаляются из текста.
document-status-draft = Проект
document-status-adopted = Принят
document-updated = Последнее изменение
document-edit-text = Редактировать текст
document-editing = Редактирование: «{ $title }»
document-editor-explain = Ваши изменения объединяются с изменениями, которые другие вносят тем временем: ничего из написанного ими не теряется, и ничего, что вы не меняли, не перезаписывается.
presence-title = Также в этом документе
presence-none = Больше никто на подключённых узлах не открыл этот документ.
presence-paragraph = абзац { $number }
document-remark-title = Прокомментировать или предложить формулировку
document-select-hint = Выделите слова в тексте, чтобы заполнить поле ниже, или введите их в точности так, как они написаны.
document-comment-title = Комментарий
document-comment = Текст комментария
document-comment-button = Добавить комментарий
document-quote = Слова
document-quote-not-found = Этих слов нет в тексте. Введите их в точности так, как они написаны, или выделите их в тексте.
document-suggest-title = Предложить формулировку
document-replacement = Вместо этого написать
document-replacement-hint = Оставьте пустым, чтобы предложить удалить эти слова.
document-suggest-button = Предложить
document-comments = Комментарии
document-comments-none = Открытых комментариев нет.
document-comment-n = Комментарий { $n }
document-unsigned = Без подписи
document-words-deleted = С тех пор эти слова были удалены из текста.
document-reply = Ответ
document-reply-button = Ответить
document-resolve = Закрыть
document-reopen = Открыть снова
document-resolved-count = Закрытые комментарии: { $n }
document-suggestions = Предложенные формулировки
document-suggestions-none = Открытых предложений нет.
document-decided-count = Принятые или отклонённые: { $n }
document-suggest-replace = Заменить «{ $old }» на «{ $new }»
document-suggest-insert = Вставить «{ $new }»
document-suggest-delete = Удалить «{ $old }»
document-suggestion-open = Открыто
document-suggestion-accepted = Принято
document-suggestion-rejected = Отклонено
document-accept = Принять
document-reject = Отклонить
document-inserted = Вставлено:
document-deleted = Удалено:
document-versions = Версии
document-versions-none = Ни одна версия ещё не названа.
document-version-name = Название версии
document-version-hint = Например, «направлено пленарному заседанию». Название относится к тексту в его нынешнем виде.
document-version-button = Назвать эту версию
document-compare = Сравнить версии
document-compare-now = сравнить с текущим текстом
document-compare-title = Изменения в «{ $title }»
document-compare-button = Сравнить
document-from = С
document-to = По
document-now = Текущий текст
document-no-such-version = Версии с таким названием нет.
document-no-changes = В обеих версиях текст одинаков.
document-by = автор: { $name }
document-details = Название и статус
document-export = Экспорт
document-export-md = Markdown, только текст
document-export-md-comments = Markdown с комментариями и предложениями
document-export-html = Страница для печати

## Программа для печати (/schedule/programme)
programme-title = Программа
programme-link = Программа для печати
programme-as-of = По состоянию на { $date }
programme-views = Вид программы
programme-by-day = По дням
programme-by-room = По залам
programme-by-group = По группам
programme-print-hint = Распечатайте эту страницу командой «Печать» браузера (Ctrl+P или ⌘P на Mac); навигация на бумагу не выводится.
programme-time = Время
programme-none = Заседаний нет.

## The venue listener: the public programme on phones
field-public = Открытое заседание
hint-public = Отображается в программе, которую участники просматривают на телефоне на месте проведения; закрытое заседание видят только члены.
venue-nav = Представление программы
venue-updated = Последнее обновление в { $time }
venue-offline = Нет связи, последнее обновление в { $time }
venue-save = Сохранить программу одним файлом
venue-all-meetings = Все заседания
venue-by-language = По языку
venue-no-rooms = Залов нет.
venue-no-groups = Групп нет.
venue-meetings = Заседания
peers-venue-title = Программа для места проведения
peers-venue-explain = Участники, подключённые к той же сети, открывают этот адрес на телефоне, чтобы ознакомиться с открытой программой; вход не требуется, и ничего другого не отображается.
peers-venue-qr = QR-код адреса программы

## Настройки Бюро (/settings)
settings-title = Настройки Бюро
settings-link = Настройки Бюро
settings-explain = Эти настройки действуют для всего Бюро и поступают на узел каждого члена при синхронизации. Изменять их может только администратор.
settings-interpretation = Нормы устного перевода
settings-source = Планировщик проверяет обеспечение переводом каждого заседания по этим нормам. Значения по умолчанию соответствуют профессиональным стандартам АИИК — Международной ассоциации устных переводчиков конференций.
settings-booth-solo-max-minutes = Наибольшая продолжительность заседания, которое один переводчик может обслуживать без смены (в минутах)
settings-booth-pair-max-minutes = Наибольшая продолжительность заседания для кабины из двух переводчиков; дольше — трое (в минутах)
settings-booth-pair-from-languages = Число языков заседания, начиная с которого в каждой кабине нужны два переводчика
settings-interpreter-daily-minutes = Наибольшее число минут в кабине для одного переводчика в день
settings-hint = По умолчанию: { $default }; от { $min } до { $max }. Оставьте поле пустым, чтобы использовать значение по умолчанию.
settings-err-range = Введите целое число от { $min } до { $max } или оставьте поле пустым для значения по умолчанию.
settings-save = Сохранить настройки
settings-admin-only = Изменять эти настройки может только администратор; это устройство не является устройством администратора.
feeds-title = Календарные подписки
feeds-explain = Календарное приложение на этом компьютере может подписаться на всю программу, на зал, группу или встречи одного человека и будет следить за каждым изменением бюро. В каждом адресе свой ключ: никому его не давайте.
feeds-programme = Вся программа
feeds-off = Календарные подписки выключены.
feeds-off-not-admin = Их включает администратор бюро.
feeds-turn-on = Включить календарные подписки
feeds-rotate = Создать новые адреса подписок
feeds-rotate-hint = Все выданные до сих пор адреса перестанут работать на каждом компьютере бюро, как только он синхронизируется.
feeds-subscribe = Подписаться в календарном приложении
feeds-download = Скачать календарь (.ics)
feeds-address = Адрес подписки
feeds-address-hint = Вставьте этот адрес туда, где календарное приложение просит подписку или интернет-календарь.
feeds-qr = QR-код адреса этой подписки
feeds-venue = На телефоне на месте проведения
feeds-venue-hint = Телефоны в сети места проведения подписываются здесь только на открытые встречи.
feeds-venue-qr = QR-код открытой подписки на месте проведения

## The interpretation planner (/interpretation)
nav-interpretation = Устный перевод
type-interpreter = Переводчик
interp-title = План устного перевода
interp-days = Дни плана
interp-previous-day = Предыдущий день
interp-next-day = Следующий день
interp-sheet = Печатный лист на день
interp-sheet-title = Лист устного перевода
interp-caption = Заседания с устным переводом, { $date }
interp-none = В этот день ни одно заседание не требует устного перевода.
interp-col-time = Время
interp-col-meeting = Заседание
interp-col-booths = Кабины и переводчики
interp-col-findings = Требует проверки
interp-col-day = День
interp-col-booth = Кабина
interp-col-colleagues = Вместе с
interp-no-seats = Переводчики не назначены
interp-ok = Замечаний нет
interp-seat = Назначить переводчиков
interp-seat-title = Переводчики на заседание «{ $meeting }»
interp-booth = Кабина перевода на язык: { $language }
interp-no-languages = У этого заседания пока нет рабочих языков. Сначала укажите языки на странице заседания.
interp-no-candidates = Пока нет переводчиков, работающих на этот язык.
interp-combination = A: { $a }; B: { $b }; C: { $c }
interp-interpreters = Переводчики
interp-no-interpreters = Переводчики пока не внесены.
interp-their-day = Программа дня
interp-day-title = { $name }: { $date }
interp-day-minutes = В кабине в этот день: { $minutes } мин. (дневной предел: { $limit } мин.).
interp-day-none = В этот день назначений нет.
interp-available-always = Доступность не указана: считается доступным в любое время.
interp-available-not = В этот день недоступен.
interp-available = Доступен в этот день:
interp-all-day = весь день
interp-findings = Вопросы для проверки
interpreter-new = Новый переводчик
interpreter-create = Внести переводчика
field-a-languages = Языки A (родной язык)
field-b-languages = Языки B (активные)
field-c-languages = Языки C (пассивные)
hint-a-languages = Языки, на которые переводчик переводит со всех своих других языков.
hint-b-languages = Другие языки, на которые переводчик переводит.
hint-c-languages = Языки, которые переводчик полностью понимает и с которых переводит, но не на них.
field-available = Доступность
hint-available = Один день на строку, например 2025-11-16 для всего дня или 2025-11-16 09:00-13:00 для его части. Оставьте пустым, если переводчик доступен в любое время.
field-team = Группа
field-booth-count = Число кабин
hint-booth-count = Физические кабины устного перевода в этом зале. Если поле пусто: по одной на каждый язык кабин.
err-availability = «{ $line }» не является днём вида 2025-11-16 или 2025-11-16 09:00-13:00.
kind-booths-too-few = Недостаточно кабин
kind-booth-team-too-small = Неполный состав кабин
kind-interpreter-double-booked = Переводчики, назначенные дважды
kind-interpreter-unavailable = Недоступные переводчики
kind-interpreter-language-mismatch = Переводчики не в своей кабине
kind-relay-needed = Требуется перевод через язык-посредник
kind-interpreter-overloaded = Превышение дневной нагрузки переводчиков
finding-booths-too-few = Для заседания «{ $meeting }» требуется кабин: { $needed }, а в зале { $room } их: { $count }.
finding-booth-team-too-small = Кабина перевода на язык «{ $language }» на заседании «{ $meeting }» укомплектована не полностью: назначено { $size }, требуется { $needed }.
finding-interpreter-double-booked = { $interpreter } назначен(а) одновременно на заседания «{ $a }» и «{ $b }».
finding-interpreter-unavailable = { $interpreter } назначен(а) на заседание «{ $meeting }», но в это время недоступен(на).
finding-interpreter-language-mismatch = { $interpreter } назначен(а) в кабину перевода на язык «{ $language }» на заседании «{ $meeting }», но не работает на этот язык.
finding-relay-needed = На заседании «{ $meeting }» кабина перевода на язык «{ $booth }» не понимает язык выступающего («{ $floor }»): она работает через кабину перевода на язык «{ $from }».
finding-relay-needed-none = На заседании «{ $meeting }» кабина перевода на язык «{ $booth }» не понимает язык выступающего («{ $floor }»), и ни одна кабина не может обеспечить перевод через язык-посредник.
finding-interpreter-overloaded = { $interpreter } назначен(а) в кабину на { $minutes } мин. { $date }, что превышает дневной предел в { $limit } мин.

# Calendar feeds: the labels inside a meeting's description in a calendar app.
feed-languages = Языки
feed-agenda = Повестка дня
feed-booth = Кабина
