# bureau، واجهة الويب: العربية (كاملة؛ المعرّفات نفسها كما في الإنجليزية).
# صيغ الجمع في العربية ست: zero وone وtwo وfew (3–10) وmany (11–99) وother (100 فأكثر).

app-name = bureau
app-description = تشكيلة مكتب التنسيق وجدوله ومذكرات الاتصال، محفوظة على هذا الحاسوب ومتزامنة مع الأعضاء الآخرين.

## التواريخ والأوقات (توقيت مكان الانعقاد)

date-long = { $weekday } { $day } { $month } { $year }
date-short = { $weekday_short } { $day } { $month_short }
date-time = { $date }، { $time }
# Between the items of a list (a string literal, so that its space is kept).
list-separator = { "، " }
weekday-1 = الاثنين
weekday-2 = الثلاثاء
weekday-3 = الأربعاء
weekday-4 = الخميس
weekday-5 = الجمعة
weekday-6 = السبت
weekday-7 = الأحد
weekday-short-1 = الاثنين
weekday-short-2 = الثلاثاء
weekday-short-3 = الأربعاء
weekday-short-4 = الخميس
weekday-short-5 = الجمعة
weekday-short-6 = السبت
weekday-short-7 = الأحد
month-1 = يناير
month-2 = فبراير
month-3 = مارس
month-4 = أبريل
month-5 = مايو
month-6 = يونيو
month-7 = يوليو
month-8 = أغسطس
month-9 = سبتمبر
month-10 = أكتوبر
month-11 = نوفمبر
month-12 = ديسمبر
month-short-1 = يناير
month-short-2 = فبراير
month-short-3 = مارس
month-short-4 = أبريل
month-short-5 = مايو
month-short-6 = يونيو
month-short-7 = يوليو
month-short-8 = أغسطس
month-short-9 = سبتمبر
month-short-10 = أكتوبر
month-short-11 = نوفمبر
month-short-12 = ديسمبر
time = الوقت
venue-time = توقيت مكان الانعقاد ({ $zone })
footer-timezone = الأوقات بتوقيت مكان الانعقاد ({ $zone }). كل ما تغيّره يُحفظ أولًا على هذا الحاسوب، ثم يُشارك مع الأعضاء الآخرين متى توفّر اتصال.

## اللغات

language-ar = العربية
language-zh = الصينية
language-en = الإنجليزية
language-fr = الفرنسية
language-ru = الروسية
language-es = الإسبانية
language-pt = البرتغالية
language-de = الألمانية
language-it = الإيطالية
language-sw = السواحيلية
language-label = اللغة
language-apply = تغيير

## الإطار

skip-to-content = انتقل إلى المحتوى
nav-label = القائمة الرئيسية
nav-overview = نظرة عامة
nav-roster = التشكيلة
nav-schedule = الجدول
nav-liaison = الاتصال
nav-conflicts = التعارضات
nav-peers = الأقران والأجهزة
live-updated = حُدِّثت الصفحة بتغييرات من جهاز آخر.
sync-off = المزامنة معطّلة
sync-not-running = مزامنة الأقران لا تعمل على هذه العقدة.
sessions-title = المتصفحات المسجّلة الدخول
sessions-explain = يبقى المتصفح مسجّل الدخول 30 يومًا بعد فتحه رابط الدخول.
logout-button = تسجيل الخروج
logout-all-button = تسجيل خروج كل المتصفحات
logout-all-hint = على كل متصفح مسجّل الدخول إلى هذه العقدة، وهذا المتصفح أيضًا، أن يفتح رابط الدخول من جديد (يطبعه الأمر bureau status). لا يتأثر بذلك ما يستخدم api-token من سكربتات.
sync-loading = جارٍ فتح السجل: يُعرض كما حُفظ آخر مرة
sync-loading-older = جارٍ فتح السجل: تُعرض حالة سابقة، وما زالت أحدث التغييرات قيد التحميل
sync-paused = المزامنة متوقفة مؤقتًا
sync-paused-explain = لن يُتبادل شيء مع الأجهزة الأخرى حتى تستأنفها.
sync-offline = غير متصل: التغييرات محفوظة على هذا الحاسوب
sync-running = تعمل
sync-in-sync = { $n ->
    [zero] لا أقران متصلون
    [one] قرين واحد · متزامن
    [two] قرينان · متزامنان
    [few] { $n } أقران · متزامنون
    [many] { $n } قرينًا · متزامنون
   *[other] { $n } قرين · متزامنون
}
sync-syncing = { $n ->
    [zero] لا أقران متصلون
    [one] قرين واحد · جارٍ التزامن
    [two] قرينان · جارٍ التزامن
    [few] { $n } أقران · جارٍ التزامن
    [many] { $n } قرينًا · جارٍ التزامن
   *[other] { $n } قرين · جارٍ التزامن
}
sync-summary = { $connected ->
    [zero] لا أجهزة متصلة
    [one] جهاز واحد متصل
    [two] جهازان متصلان
    [few] { $connected } أجهزة متصلة
    [many] { $connected } جهازًا متصلًا
   *[other] { $connected } جهاز متصل
}، المتزامن منها: { $in_sync }.
sync-pause = إيقاف المزامنة مؤقتًا
sync-resume = استئناف المزامنة
sync-pause-hint = الإيقاف المؤقت يقطع كل اتصال («وضع الطيران»)؛ تبقى تغييراتك على هذا الحاسوب.

## الدخول والأخطاء

login-title = تسجيل الدخول
login-wrong-title = رابط الدخول هذا غير صالح
login-how = افتح رابط الدخول الذي طبعته العقدة عند تشغيلها. لعرضه مرة أخرى، شغّل هذا الأمر في الطرفية:
error-title = حدث خطأ ما
error-not-found = لا يوجد سجل أو صفحة بهذا العنوان.
error-not-found-loading = هذا السجل ليس بين المعروض بعد: قد يكون من أحدث التغييرات التي ما زالت قيد التحميل. أعد تحميل الصفحة بعد لحظة.
not-found-title = الصفحة غير موجودة
not-found-explain = لا توجد صفحة بهذا العنوان: ربما كُتب خطأً، أو أن الرابط قديم.
error-observer = هذا الجهاز مراقب: يمكنه قراءة بيانات المكتب دون تغييرها.
error-not-member = هذا الجهاز ليس عضوًا في المكتب بعد؛ انضم إليه أولًا بدعوة.
error-disk-full = القرص ممتلئ: أفرغ بعض المساحة وحاول مرة أخرى. لم يُحفظ شيء.
error-closed = العقدة قيد الإيقاف.
error-not-saved = تعذّر حفظ التغيير؛ راجع سجل العقدة.
error-logout-not-saved = تعذّر حفظ تسجيل الخروج؛ راجع سجل العقدة. قد تبقى المتصفحات مسجّلة الدخول بعد إعادة تشغيل العقدة.
error-body = تعذّرت قراءة النموذج.
error-summary = يرجى تصحيح ما يلي
error-in-field = { $field }: { $message }
error-prefix = خطأ:
back-to-overview = العودة إلى النظرة العامة

## رسائل التحقق

err-required = املأ هذا الحقل.
err-end-before-start = يجب أن ينتهي الاجتماع بعد أن يبدأ.
err-too-long-meeting = لا يمكن أن يستمر الاجتماع أكثر من 14 يومًا.
err-datetime = أدخل تاريخًا ووقتًا.
err-date = أدخل تاريخًا مثل 2025-11-16.
err-time = أدخل وقتًا مثل 09:30.
err-email = أدخل عنوان بريد إلكتروني مثل name@example.org.
err-too-long = هذا النص طويل جدًا.
err-single-line = اكتب في سطر واحد.
err-invisible = احذف من هذا الاسم الحرف غير المرئي أو حرف اتجاه النص.
err-language = استخدم رموز لغات مثل en أو fr أو zh-Hans.
err-capacity = يجب ألا تتجاوز السعة 100000.
err-number = أدخل عددًا صحيحًا.
err-unknown-ref = يشير هذا إلى شيء غير موجود (أو لم يعد موجودًا).
err-address = أدخل عنوان قرين مثل /ip4/192.168.1.20/tcp/4001.
err-choice = اختر أحد الخيارات.
err-period = يجب ألا تكون نهاية الفترة قبل بدايتها.

## كلمات مشتركة

save = حفظ التغييرات
cancel = إلغاء
archive = أرشفة
restore = استعادة
undo = تراجع
archived-mark = مؤرشف
record-archived = هذا السجل مؤرشف: مخفي من القوائم لكنه محفوظ. استعده لإرجاعه.
record-findings = يحتاج إلى انتباه
record-no-findings = لا شيء يحتاج إلى انتباه.
history-link = سجل التغييرات
unknown-person = شخص ما
never = أبدًا
show-archived = إظهار المؤرشف
hide-archived = إخفاء المؤرشف
field-required = (مطلوب)
updated-by = آخر تغيير بواسطة { $name }، { $when }.
findings-count = { $n ->
    [zero] لا تنبيهات
    [one] تنبيه واحد
    [two] تنبيهان
    [few] { $n } تنبيهات
    [many] { $n } تنبيهًا
   *[other] { $n } تنبيه
}
findings-about = تنبيهات بشأن { $name }
conflicts-count = { $n ->
    [zero] لا تعارضات تحتاج إلى حل
    [one] تعارض واحد يحتاج إلى حل
    [two] تعارضان يحتاجان إلى حل
    [few] { $n } تعارضات تحتاج إلى حل
    [many] { $n } تعارضًا يحتاج إلى حل
   *[other] { $n } تعارض يحتاج إلى حل
}

## صفحات قائمة طويلة

pager-label = صفحات { $list }
pager-status = الصفحة { $page } من { $pages }، من { $from } إلى { $to } من أصل { $total }
pager-previous = الصفحة السابقة
pager-next = الصفحة التالية
pager-page = الصفحة { $page }

## إشعارات بعد التغيير

done-created = تم الإنشاء.
done-saved = حُفظت التغييرات.
done-archived = تمت الأرشفة.
done-archived-named = أُرشف «{ $name }».
done-restored = تمت الاستعادة.
done-merged = دُمج العضوان: كل ما كان يذكر الآخر صار يذكر هذا العضو.
done-resolved = حُلّ التعارض: القيمة التي اخترتها صارت قيمة الجميع.
done-already = كان هذا التعارض محلولًا من قبل، ربما على حاسوب آخر.
done-recorded = سُجّلت المراجعة وحُدّث وضع المجموعات.
done-admitted = قُبلت المجموعة وحُفظت المراجعة.
done-paused = المزامنة متوقفة مؤقتًا.
done-resumed = استُؤنفت المزامنة.
done-dialled = جارٍ الاتصال بذلك العنوان.
done-bundle = تم استيراد الحزمة: أصبحت هذه العقدة تحتفظ بتغييراتها.
done-revoked = أُلغي الجهاز؛ لم يعد بإمكانه المزامنة.
done-role = تغيّر دور الجهاز.

## أنواع السجلات والحقول

type-member = عضو
type-device = جهاز
type-group = مجموعة
type-review = مراجعة
type-room = قاعة
type-meeting = اجتماع
type-body = هيئة
type-note = مذكرة
field-name = الاسم
field-title = العنوان
field-kind = النوع
field-status = الحالة
field-date = التاريخ
field-start = يبدأ
field-end = ينتهي
field-end-date = ينتهي في يوم آخر
field-room = القاعة
field-room-id = القاعة
field-organiser = المجموعة المنظِّمة
field-languages = اللغات
field-languages-other = رموز لغات أخرى
field-groups = المجموعات الحاضرة
field-members = الأعضاء الحاضرون
field-attendees = الحضور
field-agenda = جدول الأعمال
field-resources = الموارد
field-capacity = المقاعد
field-booths = مقصورات الترجمة الشفوية
field-equipment = المعدات
field-organisation = المنظمة
field-email = البريد الإلكتروني
field-phone = الهاتف
field-contact = الاتصال
field-focal-points = جهات التنسيق
field-focal-point-of = جهة تنسيق لـ
field-group = المجموعة
field-attention = يحتاج إلى انتباه
field-decision = القرار
field-notes = ملاحظات
field-body = الهيئة
field-body-id = الهيئة
field-text = النص
field-content-implications = آثار على المضمون
field-plenary-consulted = استُشيرت الجلسة العامة
field-description = الوصف
field-action = بند العمل
field-owner = المسؤول
field-due = الموعد النهائي
field-note = المذكرة
field-change = تغيير
field-from = من
field-to = إلى
field-role = الدور
field-address = عنوان القرين
field-valid-for = صالحة لمدة
hint-end-date = فقط لاجتماع ينتهي في يوم لاحق.
hint-languages = لغات العمل؛ إن كانت أكثر من لغة، احتاجت كل منها إلى مقصورة ترجمة شفوية.
hint-language-codes = رموز مفصولة بمسافات، مثل pt أو zh-Hans.
hint-booths = اللغات التي لها مقصورة ترجمة شفوية في هذه القاعة.
hint-equipment = افصل بين العناصر بفواصل.
hint-content-implications = يجب استشارة الجلسة العامة في هذه المسألة.
hint-resources = ما يحتاجه الاجتماع، مثل الميكروفونات أو جهاز العرض أو الضيافة، وهل هو مؤكَّد.
hint-address = كما تعرضه عقدة أخرى، مثلًا /ip4/192.168.1.20/tcp/4001/p2p/12D3KooW…

## نظرة عامة

overview-title = نظرة عامة
overview-today = اجتماعات اليوم
overview-no-meetings = لا اجتماعات اليوم.
overview-open-schedule = افتح الجدول
overview-sync = المزامنة
overview-findings = { $n ->
    [zero] لا شيء يحتاج إلى انتباه
    [one] تنبيه واحد يحتاج إلى انتباه
    [two] تنبيهان يحتاجان إلى انتباه
    [few] { $n } تنبيهات تحتاج إلى انتباه
    [many] { $n } تنبيهًا يحتاج إلى انتباه
   *[other] { $n } تنبيه يحتاج إلى انتباه
}
overview-no-findings = لا حجوزات مزدوجة ولا مقصورات ناقصة ولا مراجعات أو بنود عمل متأخرة.
conflicts-none-short = لا تعديلات متعارضة.
overview-damage-title = بعض التعديلات المحفوظة لا يمكن عرضها بعد
overview-damage = { $n ->
    [zero] لا تعديلات محفوظة تنتظر تعديلات ناقصة من ملفات هذا الحاسوب (ملف تالف أو محذوف)
    [one] تعديل محفوظ واحد ينتظر تعديلات ناقصة من ملفات هذا الحاسوب (ملف تالف أو محذوف)
    [two] تعديلان محفوظان ينتظران تعديلات ناقصة من ملفات هذا الحاسوب (ملف تالف أو محذوف)
    [few] { $n } تعديلات محفوظة تنتظر تعديلات ناقصة من ملفات هذا الحاسوب (ملف تالف أو محذوف)
    [many] { $n } تعديلًا محفوظًا ينتظر تعديلات ناقصة من ملفات هذا الحاسوب (ملف تالف أو محذوف)
   *[other] { $n } تعديل محفوظ ينتظر تعديلات ناقصة من ملفات هذا الحاسوب (ملف تالف أو محذوف)
}: { $files }. لا يُحذف شيء. اتصل بجهاز آخر من أجهزة المكتب: سيرسل ما ينقص، وستختفي هذه الرسالة.

## التنبيهات

kind-room-double-booked = قاعات محجوزة مرتين
kind-member-double-booked = أشخاص متوقَّعون في مكانين
kind-interpretation-not-covered = ترجمة شفوية غير مؤمَّنة
kind-archived-reference = إشارات إلى سجلات مؤرشفة
kind-group-without-focal-point = مجموعات بلا جهة تنسيق
kind-review-overdue = مراجعة التشكيلة متأخرة
kind-group-inactive = لا حضور منذ المراجعة الأخيرة
kind-plenary-consultation-pending = استشارة الجلسة العامة معلّقة
kind-action-overdue = بنود عمل متأخرة
finding-room-double-booked = { $room } محجوزة مرتين: «{ $a }» و«{ $b }» متداخلان.
finding-member-double-booked = يُتوقَّع حضور { $member } في «{ $a }» و«{ $b }» في الوقت نفسه.
finding-interpretation-not-covered = «{ $meeting }» يحتاج إلى ترجمة شفوية إلى { $languages }، لكن { $room } ليس فيها مقصورة لذلك.
finding-archived-room = «{ $meeting }» في { $name }، وهي مؤرشفة.
finding-archived-group = «{ $meeting }» يذكر المجموعة { $name }، وهي مؤرشفة.
finding-unknown-room = «{ $meeting }» في قاعة غير موجودة.
finding-unknown-group = «{ $meeting }» يذكر مجموعة غير موجودة.
finding-group-without-focal-point = ليس لـ{ $group } جهة تنسيق نشطة.
finding-review-overdue = كان موعد مراجعة التشكيلة في { $date }.
finding-group-inactive = لم تحضر { $group } أي اجتماع منذ مراجعة { $date }.
finding-group-inactive-created = لم تحضر { $group } أي اجتماع منذ إنشائها في { $date }.
finding-group-inactive-active-again = لم تحضر { $group } أي اجتماع منذ عودتها إلى النشاط في { $date }.
finding-plenary-consultation-pending = «{ $note }» له آثار على المضمون ولم تُستشر الجلسة العامة بعد.
finding-action-overdue = «{ $action }» ({ $owner }) كان موعده النهائي { $date }.
finding-action-overdue-note = أحد بنود عمل «{ $note }» متأخر.

## التشكيلة

roster-title = التشكيلة
groups-title = المجموعات
members-title = الأعضاء
group-new = إضافة مجموعة
group-create = أضف المجموعة
member-new = إضافة عضو
member-create = أضف العضو
group-status-history = الوضع عبر الزمن
group-kind-family = أسرة
group-kind-caucus = تجمّع
group-kind-working-group = فريق عامل
group-kind-other = تجمّع آخر
group-kind-plural-family = الأسر
group-kind-plural-caucus = التجمّعات
group-kind-plural-working-group = الأفرقة العاملة
group-kind-plural-other = تجمّعات أخرى
group-status-active = نشطة
group-status-inactive = غير نشطة
group-status-removed = مُزالة
status-event-active = نشطة
status-event-inactive = عُدّت غير نشطة
status-event-removed = أُزيلت
status-event-returned = عادت
review-title = مراجعة التشكيلة
review-of = مراجعة { $date }
review-last = آخر مراجعة مسجّلة:
review-none = لم تُسجَّل أي مراجعة بعد.
review-next-due = المراجعة التالية مستحقة بحلول { $date }.
review-overdue = متأخرة
review-inactive-groups = { $n ->
    [zero] حضرت كل مجموعة نشطة اجتماعًا منذ ذلك الحين.
    [one] مجموعة نشطة واحدة لم تحضر أي اجتماع منذ ذلك الحين.
    [two] مجموعتان نشطتان لم تحضرا أي اجتماع منذ ذلك الحين.
    [few] { $n } مجموعات نشطة لم تحضر أي اجتماع منذ ذلك الحين.
    [many] { $n } مجموعةً نشطة لم تحضر أي اجتماع منذ ذلك الحين.
   *[other] { $n } مجموعة نشطة لم تحضر أي اجتماع منذ ذلك الحين.
}
review-continue = متابعة مراجعة { $date }
review-date = تاريخ المراجعة
review-start = بدء مراجعة
review-open = مفتوحة: لا يزال بالإمكان تغيير القرارات
review-recorded = مسجّلة
review-since = يُحتسب الحضور منذ مراجعة { $date }.
review-see-last = عرض تلك المراجعة
review-first = هذه أول مراجعة: لا يُحتسب أي حضور بعد.
review-quiet-groups = لا حضور منذ المراجعة الأخيرة
review-no-quiet-groups = حضرت كل مجموعة نشطة اجتماعًا منذ المراجعة الأخيرة.
review-other-groups = مجموعات أخرى
review-last-attended = آخر حضور { $date }
review-never-attended = لا حضور مسجّل
review-decisions = القرارات
review-save = حفظ المسودة
review-record = تسجيل المراجعة
review-record-hint = التسجيل يطبّق القرارات: تُعدّ المجموعات غير نشطة أو تُزال أو تعود، ويظهر التغيير في سجلها.
decision-keep = إبقاء
decision-inactive = غير نشطة
decision-remove = إزالة
decision-return = إعادة
review-decision-admit = قبول
review-admitted = قُبلت
review-new-groups = مجموعات جديدة
review-new-groups-hint = انضمت هذه المجموعات منذ المراجعة الأخيرة. أبقِها بقبولها، أو أزلها.
review-admit-title = قبول مجموعة جديدة
review-admit-hint = تنضم المجموعة إلى القائمة فورًا؛ وتسجّل هذه المراجعة قبولها.
review-admit = قبول المجموعة
review-err-return-active = لا تعود إلا مجموعة غير نشطة أو مُزالة؛ وهذه المجموعة نشطة.
field-admit-name = اسم المجموعة الجديدة
field-admit-kind = نوعها
field-admit-focal-points = جهات التنسيق فيها

## الجدول

schedule-title = الجدول
schedule-days = الأيام
schedule-view = العرض
view-timetable = الجدول الزمني
view-list = القائمة
day-previous = اليوم السابق
day-next = اليوم التالي
timetable-caption = اجتماعات { $date }، حسب القاعة
schedule-no-meetings = لا اجتماعات في هذا اليوم.
schedule-day-findings = تنبيهات هذا اليوم
schedule-no-findings = لا تداخلات ولا مقصورات ناقصة في هذا اليوم.
rooms-title = القاعات
room-new = إضافة قاعة
room-create = أضف القاعة
room-option = { $name } ({ $capacity } مقعدًا؛ المقصورات: { $booths })
no-booths = لا شيء
no-room = لا قاعة بعد
no-organiser = لا أحد
meeting-new = اجتماع جديد
meeting-create = أنشئ الاجتماع
meeting-findings = تنبيهات هذا الاجتماع
meeting-no-findings = لا تداخلات لهذا الاجتماع.
meeting-as-saved = كما حُفظ
meeting-now = الآن
meeting-status-proposed = مقترح
meeting-status-confirmed = مؤكَّد
meeting-status-cancelled = ملغى
meeting-kind-bureau = المكتب
meeting-kind-plenary = جلسة عامة
meeting-kind-caucus = تجمّع
meeting-kind-working-group = فريق عامل
meeting-kind-family = أسرة
meeting-kind-liaison = اتصال
meeting-kind-briefing = إحاطة
meeting-kind-other = آخر
resource-name = المورد
resource-new = إضافة مورد
resource-new-state = مطلوب أم مؤكَّد
resource-remove = إزالة
resource-remove-named = إزالة { $name }
resource-state-requested = مطلوب
resource-state-confirmed = مؤكَّد
resource-with-state = { $name } ({ $state })
attendees-count = { $groups ->
    [zero] لا مجموعات
    [one] مجموعة واحدة
    [two] مجموعتان
    [few] { $groups } مجموعات
    [many] { $groups } مجموعةً
   *[other] { $groups } مجموعة
}، { $members ->
    [zero] لا أشخاص
    [one] شخص واحد
    [two] شخصان
    [few] { $members } أشخاص
    [many] { $members } شخصًا
   *[other] { $members } شخص
}

## الاتصال

liaison-title = الاتصال
bodies-title = الهيئات
bodies-all = كل الهيئات
body-new = إضافة هيئة
body-create = أضف الهيئة
body-edit = تعديل هذه الهيئة
notes-all = كل المذكرات
notes-none = لا مذكرات بعد.
note-new = مذكرة جديدة
note-create = أنشئ المذكرة
note-content-implications = آثار على المضمون
note-plenary-consulted = استُشيرت الجلسة العامة
note-consultation-pending = الاستشارة معلّقة
actions-title = بنود العمل
actions-none = لا بنود عمل.
action-add = إضافة بند عمل
action-add-button = أضف بند العمل
action-done = منجز
action-open = مفتوح
action-overdue = متأخر
action-due = موعده { $date }
action-mark-done = تعليم كمنجز
action-mark-done-named = تعليم كمنجز: «{ $action }»
action-reopen = إعادة فتح
action-reopen-named = إعادة فتح: «{ $action }»
action-remove = إزالة
action-remove-named = إزالة: «{ $action }»
no-owner = لا أحد بعد
report-link = تقرير للجلسة العامة
report-title = تقرير إلى الجلسة العامة عن المسائل اللوجستية
report-period = { $bureau }، من { $from } إلى { $to }.
report-show = عرض الفترة
report-print = طباعة
report-notes = مذكرات الاتصال خلال الفترة
report-consultation = مسائل تحتاج إلى استشارة الجلسة العامة
report-actions = بنود العمل
report-meetings = الاجتماعات
report-logistics = القاعات والترجمة الشفوية
report-none = لا شيء.
report-no-issues = لا حجوزات مزدوجة ولا مقصورات ترجمة شفوية ناقصة.

## التعارضات والسجل

conflicts-title = التعارضات
conflicts-explain = غُيّرت هذه الحقول على حاسوبين في الوقت نفسه. تُحفظ القيمتان حتى يختار أحدهم إحداهما؛ ويُشارك الاختيار مع الجميع.
conflicts-none = لا تعارضات. تظهر هنا الحقول التي عُدّلت في الوقت نفسه على حاسوبين.
conflict-by = بواسطة { $name }
conflict-shown = المعروضة الآن
conflict-keep = الإبقاء على هذه القيمة
conflict-pick = اختر إحدى القيم.
conflict-mark = غُيّر هذا الحقل على حاسوبين في الوقت نفسه. تُحفظ القيمتان حتى يختار أحدهم إحداهما:
conflict-marks-summary = غُيّرت بعض حقول هذا السجل على حاسوبين في الوقت نفسه. تظهر قيمها بجانبها: أبقِ على القيمة الصحيحة وسيراها الجميع.
conflict-marks-all = عرض كل التعارضات
value-empty = (فارغ)
value-yes = نعم
value-no = لا
history-title = سجل { $name }
history-caption = { $n ->
    [zero] لا تغييرات
    [one] تغيير واحد، الأحدث أولًا
    [two] تغييران، الأحدث أولًا
    [few] { $n } تغييرات، الأحدث أولًا
    [many] { $n } تغييرًا، الأحدث أولًا
   *[other] { $n } تغيير، الأحدث أولًا
}
history-when = متى
history-who = من
history-what = ماذا
history-fields = ما تغيّر
history-verb-create = أُنشئ
history-verb-update = غُيّر
history-verb-archive = أُرشف
history-verb-restore = استُعيد
history-verb-resolve = حُلّ تعارض
history-verb-add = أُضيف
history-verb-revoke = أُلغي
history-verb-migrate = رُقّي
history-verb-import = استُورد
history-doc-edit-text = عدّل النص
history-doc-comment = علّق
history-doc-reply = ردّ على تعليق
history-doc-resolve-comment = أغلق تعليقًا
history-doc-reopen-comment = أعاد فتح تعليق
history-doc-suggest = اقترح صياغة
history-doc-accept = قبل اقتراحًا
history-doc-reject = رفض اقتراحًا
history-doc-name-version = سمّى نسخة
history-doc-tidy = أزال صياغة قُبلت مرتين
field-versions = النسخ
field-comments = التعليقات
field-suggestions = الصياغات المقترحة
history-became = صار
history-added = أُضيف:
history-removed = حُذف:
history-spacing = لم يتغيّر إلا المسافات أو فواصل الأسطر.
field-archived = مؤرشف
field-decisions = القرارات
field-actions = بنود العمل

## الأقران والأجهزة

peers-page-title = الأقران والأجهزة
peers-open = عرض الأقران والأجهزة
peers-this-device = هذا الجهاز
peers-peer-id = معرّف القرين
peers-listening = يستمع على
peers-sync = المزامنة
peers-title = الأقران
peers-none = لم تُرَ أي عقدة أخرى بعد. أضف واحدة بعنوانها، أو ادعُ جهازًا جديدًا.
peers-device = الجهاز
peers-member = العضو
peers-connection = الاتصال
peers-last-sync = آخر مزامنة
peers-address = العنوان
peers-unknown-device = جهاز غير معروف
peer-connected = متصل
peer-offline = غير متصل
peer-in-sync = متزامن
peer-syncing = جارٍ التزامن
bundle-title = نقل التغييرات في ملف
bundle-explain = تحتوي الحزمة على تغييرات المكتب، مختومة بحيث لا تفتحها إلا أجهزة المكتب، وموقَّعة من هذا الحاسوب. انقلها على ذاكرة USB أو بالبريد الإلكتروني أو في محادثة إلى حاسوب لا يستطيع الاتصال بهذا الحاسوب، ثم استوردها هناك. استيراد الحزمة نفسها مرتين لا يضر.
bundle-download = تنزيل حزمة بجميع التغييرات
bundle-file = ملف الحزمة
bundle-import-button = استيراد الحزمة
bundle-no-file = اختر ملف حزمة لاستيراده.
bundle-refused = رُفضت الحزمة: { $message }
dial-title = إضافة قرين بعنوانه
dial-button = اتصال
invite-title = دعوة جهاز
invite-button = إنشاء رمز دعوة
invite-hours = { $n ->
    [24] يوم واحد
    [168] أسبوع واحد
    [zero] 0 ساعة
    [one] ساعة واحدة
    [two] ساعتان
    [few] { $n } ساعات
    [many] { $n } ساعةً
   *[other] { $n } ساعة
}
invite-ready = رمز الدعوة جاهز
invite-explain = يتيح هذا الرمز لجهاز جديد واحد الانضمام بصفة { $role }، حتى { $until }. شاركه بشكل خاص: اقرأه بصوت عالٍ، أو الصقه في محادثة، أو اعرض رمز QR.
invite-join-hint = على الحاسوب الجديد، شغّل:
invite-qr = رمز QR للدعوة
invite-code = الرمز المطلوب كتابته:
invite-code-hint = اقرأه بصوت عالٍ أو أرسله. على الشبكة نفسها يجد الحاسوب الجديد هذا الحاسوب بالرقم، والكلمتان هما كلمة المرور. ثلاث محاولات خاطئة تُبطل الدعوة.
invite-link = رابط الدعوة
invite-link-hint = لحاسوب لا يجد هذا الحاسوب بالرقم (على شبكة أخرى، أو على شبكة Wi-Fi تعزل الحواسيب بعضها عن بعض): يحمل الرابط عناوين هذه العقدة. ورمز QR يحمل الرابط نفسه.
invites-title = الدعوات الصادرة من هنا
invites-until = صالحة حتى
invites-state = الحالة
invites-open = مفتوحة، الرمز
invites-wrong = { $n ->
    [zero] (لا محاولات خاطئة)
    [one] (محاولة خاطئة واحدة)
    [two] (محاولتان خاطئتان)
    [few] ({ $n } محاولات خاطئة)
    [many] ({ $n } محاولة خاطئة)
   *[other] ({ $n } محاولة خاطئة)
}
invites-burned = { $n ->
    [zero] أُبطلت
    [one] أُبطلت بعد محاولة خاطئة واحدة لرمزها
    [two] أُبطلت بعد محاولتين خاطئتين لرمزها
    [few] أُبطلت بعد { $n } محاولات خاطئة لرمزها
    [many] أُبطلت بعد { $n } محاولة خاطئة لرمزها
   *[other] أُبطلت بعد { $n } محاولة خاطئة لرمزها
}
invites-used = مستخدمة
invites-expired = منتهية الصلاحية
board-title = من لديه أحدث نسخة
board-explain = أجهزة كل عضو، وهل يحمل كلٌّ منها جميع التغييرات التي يحملها هذا الحاسوب: بحسب آخر مزامنة له مع هذا الحاسوب، أو بحسب حاسوب آخر تزامن معه (المحور مثلًا). يفيد في الإجابة عن سؤال «هل وصل الجدول الجديد إلى الجميع؟».
board-summary = الأجهزة الأخرى التي لديها كل ما لدى هذا الحاسوب: { $n } من أصل { $total }.
board-none = لا توجد أجهزة أخرى بعد.
board-member = العضو
board-device = الجهاز
board-state = هل لديه أحدث نسخة؟
board-when = حتى تاريخ
board-no-device = لا جهاز
board-this = هذا الحاسوب
board-this-has = هذا الحاسوب
board-current = لديه كل شيء
board-behind = { $n ->
    [zero] لا ينقصه شيء
    [one] ينقصه تغيير واحد
    [two] ينقصه تغييران
    [few] ينقصه { $n } تغييرات
    [many] ينقصه { $n } تغييرًا
   *[other] ينقصه { $n } تغيير
}
board-unknown = غير معروف
board-via = (عبر { $name })
doctor-title = لماذا قد لا يتزامن هذا الحاسوب
doctor-ok = لا يرى هذا الحاسوب شيئًا يحول دون المزامنة.
doctor-paused = المزامنة متوقفة مؤقتًا على هذا الحاسوب.
doctor-paused-next = استأنفها من هذه الصفحة.
doctor-no-address = ليس لهذا الحاسوب عنوان شبكة غير نفسه، لذا لا يستطيع أي حاسوب آخر الوصول إليه.
doctor-no-address-next = وصّله بشبكة Wi-Fi أو بكابل.
doctor-no-multicast = ليس لهذا الحاسوب مسار للبث المتعدد، لذا لا يستطيع أن يجد وحده الحواسيب الأخرى على الشبكة.
doctor-no-multicast-next = وصّله بشبكة فيها موجّه، أو أضف عنوان أحد الأعضاء يدويًا، أو استخدم محور المكتب.
doctor-mdns-silent = يبحث هذا الحاسوب عن الحواسيب الأخرى على الشبكة ولم يعثر على أي منها: ربما تحجب شبكة Wi-Fi هذه البث المتعدد أو تعزل الحواسيب بعضها عن بعض.
doctor-mdns-silent-next = استخدم محور المكتب، أو انقل التغييرات على ذاكرة USB في شكل حزمة (من هذه الصفحة)، أو أضف عنوان أحد الأعضاء يدويًا من هذه الصفحة.
doctor-unreachable = تعذّر الوصول إلى { $name }: { $errors }.
doctor-unreachable-next = تحقّق من أن عقدته تعمل وأنها على شبكة يصل إليها هذا الحاسوب؛ وتعرض صفحة النظراء فيه عنوانه.
doctor-address = لا شيء يجيب على { $addr }: { $error }.
doctor-address-next = تحقّق من العنوان في صفحة النظراء على الحاسوب الآخر، ومن أن عقدته تعمل.
doctor-refused-revoked = حاول { $name } المزامنة، لكن جهازه أُلغي، لذا يرفضه هذا الحاسوب.
doctor-refused-stranger = حاولت عقدة ليست من أجهزة هذا المكتب ({ $name }) المزامنة فرُفضت.
doctor-refused-next = لا حاجة لأي إجراء إن كان ذلك متوقعًا؛ ويمكن لمسؤول أن يدعو الجهاز من جديد.
doctor-this-revoked = أُلغي جهاز هذا الحاسوب: ترفض حواسيب الأعضاء الآخرين المزامنة معه.
doctor-this-revoked-next = اطلب دعوة جديدة من أحد المسؤولين وانضم بها.
doctor-clock-ahead = ساعة { $name } متقدمة بمقدار { $minutes } دقيقة على ساعة هذا الحاسوب: ستبدو الأوقات التي يدوّنها كلٌّ منكما في السجلات خاطئة للآخر.
doctor-clock-behind = ساعة { $name } متأخرة بمقدار { $minutes } دقيقة عن ساعة هذا الحاسوب: ستبدو الأوقات التي يدوّنها كلٌّ منكما في السجلات خاطئة للآخر.
doctor-clock-next = اضبط الساعتين: الوقت التلقائي من الشبكة، والمنطقة الزمنية الصحيحة.
doctor-incompatible = يعمل { $name } بإصدار من bureau لا يستطيع هذا الحاسوب المزامنة معه: فقد رفض { $protocol }.
doctor-incompatible-next = ثبّت الإصدار نفسه من bureau على الحاسوبين.
join-title = الانضمام إلى مكتب آخر
join-offer = لم يُستخدم هذا الحاسوب لأي شيء بعد. إن دُعيت إلى مكتب فانضم إليه من هنا: يُنحّى المكتب الفارغ لهذه العقدة جانبًا.
join-explain = اكتب الرمز الذي أعطاك إياه العضو الداعي، أو الصق رابط الدعوة. يُنحّى مكتب هذه العقدة الذي لم يستخدمه أحد بعد جانبًا (لا يُحذف شيء)، وتبدأ العقدة من جديد على المكتب الذي تنضم إليه.
join-code = رمز الدعوة أو رابطها
join-code-hint = مثل 7-orbit-lantern، أو رابط يبدأ بـ bureau1-.
join-name = اسمك
join-name-hint = كما سيراه الأعضاء الآخرون. اتركه فارغًا إن كانت الدعوة قد صدرت لك بصفتك عضوًا (حاسوب آخر لك).
join-peer = عنوان الحاسوب الداعي
join-peer-hint = فقط إن لم يجد هذا الحاسوبُ الحاسوبَ الداعي على الشبكة: العنوان من صفحة النظراء فيه، مثل /ip4/203.0.113.7/tcp/4001.
join-button = انضمام
join-touched = يحتوي مكتب هذه العقدة على تعديلات، لذا لا يُنحّى جانبًا من هنا. للانضمام إلى مكتب آخر على هذا الحاسوب استخدم دليل بيانات آخر من الطرفية:
join-done = تم الانضمام
join-done-explain = انضممت باسم { $name }. تبدأ العقدة من جديد بالمكتب الجديد الذي يصل من الحاسوب الداعي، وتفتح هذه الصفحة النظرة العامة بعد لحظات.
join-open = فتح النظرة العامة
member-merge-title = هل هو الشخص نفسه كعضو آخر؟
member-merge-hint = إن كان هذا العضو وعضو آخر شخصًا واحدًا (حاسوب انضم باسم جديد مثلًا) فادمجهما: كل ما يذكر هذا العضو ينتقل إلى الآخر، ويُؤرشف هذا العضو.
member-merge-into = الدمج في
member-merge-button = دمج
devices-title = أجهزة المكتب
devices-added = أُضيف
devices-this = هذا الجهاز
device-revoked = مُلغى
device-active = نشط
device-revoke = إلغاء
device-revoke-named = إلغاء: { $name }
device-revoke-self = لا يمكن لهذه العقدة إلغاء جهازها: يجب أن تقوم بذلك عقدة عضو آخر.
role-editor = محرّر
role-observer = مراقب
role-admin = مشرف
role-relay = مُرحِّل (محور)
invite-member = من ينضم
invite-member-hint = يذكر الشخص الجديد اسمه عند الانضمام؛ أما جهاز شخص موجود في المكتب فينضم باسم ذلك العضو.
invite-member-new = شخص جديد
invite-member-own-only = لا يمكن إلا للمشرف دعوة جهاز لعضو آخر؛ يمكنك دعوة أشخاص جدد وأجهزتك أنت.
invite-admin-only = لا يمكن إلا للمشرف دعوة جهاز مشرف.
invite-observer = لا يمكن لهذا الجهاز الدعوة: يمكن ذلك لجهاز محرّر أو مشرف فقط.
invite-explain-member = يتيح هذا الرمز لجهاز جديد واحد لـ { $name } الانضمام بصفة { $role }، حتى { $until }. شاركه بشكل خاص: اقرأه بصوت عالٍ، أو الصقه في محادثة، أو اعرض رمز QR.
device-role-named = دور { $name }
device-role-change = تغيير
device-admin-only = لا يمكن إلا للمشرف إلغاء الأجهزة أو تغيير الأدوار.
device-last-admin = هذا آخر جهاز مشرف في المكتب: اجعل جهازًا آخر مشرفًا أولًا، كي يبقى للمكتب مشرف.

# A field the user and a peer both changed while the form was open.
contest-summary = غيّر شخص آخر هذا السجل أثناء تعديلك له. حيث غيّر كلاكما حقلاً، تظهر القيمة الأخرى بجانبه: اختر أيهما تحتفظ به. لم يُحفظ شيء بعد.
contest-changed-meanwhile = غيّر { $name } هذا في الأثناء إلى:
contest-keep-mine = الاحتفاظ بقيمتي (كما في الحقل)
contest-keep-theirs = الاحتفاظ بالقيمة الأخرى
contest-removed = (محذوف)
contest-empty = (فارغ)
err-contest-choose = اختر القيمة التي تحتفظ بها.
error-form-heads = فُتح هذا النموذج على نسخة من السجل ليست لدى هذه العقدة. افتح السجل من جديد وأعد تعديلاتك.
yes = نعم
no = لا

# Finding things: the search box, the schedule's filters, agendas and pickers.
search-label = البحث في المكتب
search-button = بحث
search-title = البحث
search-title-for = البحث: { $q }
search-words = الكلمات المطلوبة
search-hint = يجد الأعضاء والمجموعات والقاعات والاجتماعات والهيئات والمذكرات بأسمائها وعناوينها ونصوصها. لا فرق بين الأحرف الكبيرة والصغيرة ولا أثر للتشكيل والهمزات، وتكفي بداية الكلمة: «مدرس» تجد «المدرسة»، و«gen» تجد «Genève».
search-too-long = اكتب { $n } حرفًا على الأكثر.
search-too-many-words = اكتب { $n } كلمة على الأكثر.
search-results = { $n ->
    [zero] لا نتائج
    [one] نتيجة واحدة
    [two] نتيجتان
    [few] { $n } نتائج
    [many] { $n } نتيجة
   *[other] { $n } نتيجة
}
search-results-list = نتائج البحث
search-nothing = لا شيء يحتوي على كل هذه الكلمات. جرّب كلمات أقل، أو بداية اسم.
filter-title = عرض بعض الاجتماعات فقط
filter-group = المجموعة
filter-member = العضو
filter-language = اللغة
filter-any-room = كل القاعات
filter-any-group = كل المجموعات
filter-any-member = الجميع
filter-any-language = كل اللغات
filter-apply = اعرض
filter-clear = اعرض كل الاجتماعات
agenda-title = جدول أعمالي
agenda-meetings = الاجتماعات
agenda-upcoming = القادمة
agenda-past = السابقة
agenda-none = لا شيء.
agenda-in-person = حضوريًا
agenda-through = مع { $group }
agenda-lead = اجتماعات { $name }: التي تحضرها شخصيًا، واجتماعات المجموعات التي أنت جهة تنسيق لها.
agenda-groups = أنت جهة تنسيق لـ: { $groups }.
agenda-no-groups = لست جهة تنسيق لأي مجموعة.
agenda-member-page = بطاقتك في قائمة الأعضاء
agenda-no-member = لا ينتمي هذا الجهاز بعد إلى أي عضو في المكتب، لذا ليس له جدول أعمال. بعد انضمامه ستظهر هنا اجتماعات عضوه.
room-meetings = الاجتماعات في هذه القاعة
group-meetings = اجتماعات هذه المجموعة
picker-filter = اعرض فقط الأسماء التي تحتوي على
picker-none = لا اسم مطابق. تبقى الأسماء المختارة مختارة.
picker-ticked = { $n ->
    [zero] لم يُختر أحد
    [one] اختيار واحد، في أول القائمة
    [two] اختياران، في أول القائمة
    [few] { $n } اختيارات، في أول القائمة
    [many] { $n } اختيارًا، في أول القائمة
   *[other] { $n } اختيار، في أول القائمة
}

## Documents

type-document = وثيقة

## جداول البيانات: التصدير والاستيراد (/roster/spreadsheets)
spreadsheets-title = جداول البيانات
spreadsheets-link = جداول البيانات
export-title = التصدير
export-explain = القوائم في ملفات لبرامج جداول البيانات، من دون السجلات المؤرشفة. تحتفظ ملفات CSV بالحركات وبكل أنظمة الكتابة؛ وكل خلية قد ينفّذها برنامج الجداول كصيغة تُكتب نصًا عادياً.
export-list = القائمة
export-csv = ملف CSV
export-xlsx = مصنّف إكسل (XLSX)
export-meetings = الاجتماعات
import-title = استيراد أعضاء أو مجموعات
import-explain = ملف CSV أو XLSX يسمّي صفّه الأول الأعمدة، كما في الملف المصدَّر. يُطابَق كل صف مع سجل بعنوان البريد الإلكتروني أو بالاسم: يُحدَّث السجل المطابق، وإلا يُضاف سجل جديد. ترى ما سيفعله كل صف قبل كتابة أي شيء. وتبقى الأعمدة غير الموجودة في الملف على حالها.
import-collection = يتضمن الملف
import-file = الملف
import-file-hint = CSV (UTF-8) أو XLSX.
import-preview = معاينة الاستيراد
import-preview-title = ما سيفعله الاستيراد
import-row = الصف
import-action = الإجراء
import-details = التفاصيل
import-action-new = جديد
import-action-update = تحديث
import-action-unchanged = بلا تغيير
import-action-error = خطأ
import-changes = يغيّر { $fields }.
import-err-missing-name = لا يحمل الصف اسمًا.
import-err-bad-email = «{ $value }» ليس عنوان بريد إلكتروني.
import-err-bad-language = «{ $value }» ليس رمز لغة مثل en أو fr أو zh-Hans.
import-err-unknown-kind = «{ $value }» ليس نوع مجموعة: family أو caucus أو working-group أو other.
import-err-unknown-status = «{ $value }» ليس وضعاً: active أو inactive أو removed.
import-err-unknown-member = لا يوجد عضو باسم «{ $value }». استورد الأعضاء أولًا.
import-err-ambiguous = تطابق عدة سجلات «{ $value }»: اذكر عنوان بريد إلكتروني للتمييز بينها.
import-err-duplicate = يشير صف سابق في الملف إلى هذا السجل بالفعل.
import-has-errors = لا يُكتب شيء ما دام في أحد الصفوف خطأ. صحّح الملف ثم عاينه مرة أخرى.
import-nothing = لا يغيّر الملف شيئًا: المكتب يتضمن كل ذلك بالفعل.
import-apply = كتابة هذه الصفوف
import-done = عدد الصفوف المكتوبة: { $count }.
import-stopped = لم يعد المكتب يقبل أحد الصفوف (تغيّر منذ المعاينة). لم يُحفظ شيء: راجع الصف المشار إليه أدناه، ثم عاين الملف من جديد.
import-file-error = تعذّرت قراءة الملف. { $message }
import-no-file = اختر ملف CSV أو XLSX لاستيراده.

nav-documents = الوثائق
documents-title = وثائق العمل
documents-explain = نصوص يصوغها المكتب معًا: الميثاق والبيانات والتقرير المقدم إلى الجلسة العامة. يحرر كل شخص النص ويعلق عليه ويقترح صياغات على حاسوبه؛ وتُدمج التعديلات كلمةً كلمة عند المزامنة.
documents-none = لا توجد وثائق بعد.
document-new = وثيقة جديدة
document-create = إنشاء الوثيقة
document-text-hint = تُحفظ فواصل الأسطر.
document-bracketed = النص مشروع تتخلله ملاحظات بين معقوفين
document-bracketed-hint = [الاسم: ملاحظة] تصبح تعليقًا باسم صاحبها، والسؤال بين معقوفين تعليقًا بلا اسم، و«كلمة [أخرى]» اقتراحًا بكتابة «أخرى» بدلًا من «كلمة». وتُحذف المعقوفات من النص.
document-status-draft = مشروع
document-status-adopted = معتمد
document-updated = آخر تعديل
document-edit-text = تحرير النص
document-editing = تحرير «{ $title }»
document-editor-explain = تُدمج تعديلاتكم مع التعديلات التي يجريها الآخرون في الأثناء: لا يضيع شيء مما يكتبونه، ولا يُعاد كتابة شيء لم تغيّروه.
presence-title = الموجودون أيضًا في هذه الوثيقة
presence-none = لا أحد غيركم على عقدة متصلة يفتح هذه الوثيقة.
presence-paragraph = الفقرة { $number }
document-remark-title = التعليق أو اقتراح صياغة
document-select-hint = حدّدوا كلمات في النص لملء الحقل أدناه، أو اكتبوها تمامًا كما وردت.
document-comment-title = تعليق
document-comment = نص التعليق
document-comment-button = إضافة التعليق
document-quote = الكلمات المعنية
document-quote-not-found = هذه الكلمات غير موجودة في النص. اكتبوها تمامًا كما وردت، أو حدّدوها في النص.
document-suggest-title = اقتراح صياغة
document-replacement = يُكتب بدلًا منها
document-replacement-hint = اتركوه فارغًا لاقتراح حذف الكلمات.
document-suggest-button = اقتراح
document-comments = التعليقات
document-comments-none = لا توجد تعليقات مفتوحة.
document-comment-n = التعليق { $n }
document-unsigned = بلا توقيع
document-words-deleted = حُذفت هذه الكلمات من النص منذ ذلك الحين.
document-reply = الرد
document-reply-button = رد
document-resolve = إغلاق
document-reopen = إعادة فتح
document-resolved-count = التعليقات المغلقة: { $n }
document-suggestions = الصياغات المقترحة
document-suggestions-none = لا توجد اقتراحات مفتوحة.
document-decided-count = المقبولة أو المرفوضة: { $n }
document-suggest-replace = استبدال «{ $old }» بـ«{ $new }»
document-suggest-insert = إدراج «{ $new }»
document-suggest-delete = حذف «{ $old }»
document-suggestion-open = مفتوح
document-suggestion-accepted = مقبول
document-suggestion-rejected = مرفوض
document-accept = قبول
document-reject = رفض
document-inserted = أُدرج:
document-deleted = حُذف:
document-versions = الصيغ
document-versions-none = لم تُسمَّ أي صيغة بعد.
document-version-name = اسم الصيغة
document-version-hint = مثلًا «أُحيل إلى الجلسة العامة». يدل الاسم على النص كما هو الآن.
document-version-button = تسمية هذه الصيغة
document-compare = مقارنة الصيغ
document-compare-now = مقارنة بالنص الحالي
document-compare-title = التعديلات على «{ $title }»
document-compare-button = مقارنة
document-from = من
document-to = إلى
document-now = النص الحالي
document-no-such-version = لا توجد صيغة بهذا الاسم.
document-no-changes = النص متطابق في الصيغتين.
document-by = بقلم { $name }
document-details = العنوان والحالة
document-export = تصدير
document-export-md = Markdown، النص وحده
document-export-md-comments = Markdown مع التعليقات والاقتراحات
document-export-html = صفحة للطباعة

## البرنامج القابل للطباعة (/schedule/programme)
programme-title = البرنامج
programme-link = البرنامج للطباعة
programme-as-of = حتى { $date }
programme-views = طريقة عرض البرنامج
programme-by-day = حسب اليوم
programme-by-room = حسب القاعة
programme-by-group = حسب المجموعة
programme-print-hint = اطبع هذه الصفحة بأمر الطباعة في المتصفح (Ctrl+P، أو ⌘P على جهاز Mac)؛ لا تُطبع أدوات التنقل.
programme-time = الوقت
programme-none = لا توجد اجتماعات.

## The venue listener: the public programme on phones
field-public = مفتوح للعموم
hint-public = يظهر في البرنامج الذي يطّلع عليه المشاركون في مكان الانعقاد على هواتفهم؛ ولا تظهر الجلسة المغلقة إلا للأعضاء.
venue-nav = طرق عرض البرنامج
venue-updated = آخر تحديث في الساعة { $time }
venue-offline = غير متصل، آخر تحديث في الساعة { $time }
venue-save = حفظ البرنامج في ملف واحد
venue-all-meetings = جميع الجلسات
venue-by-language = حسب اللغة
venue-no-rooms = لا توجد قاعات.
venue-no-groups = لا توجد مجموعات.
venue-meetings = الجلسات
peers-venue-title = برنامج مكان الانعقاد
peers-venue-explain = يفتح المشاركون المتصلون بالشبكة نفسها هذا العنوان على هواتفهم للاطلاع على البرنامج العام؛ ولا يلزم تسجيل الدخول ولا يُعرض أي شيء آخر.
peers-venue-qr = رمز QR لعنوان البرنامج

## إعدادات المكتب (/settings)
settings-title = إعدادات المكتب
settings-link = إعدادات المكتب
settings-explain = تسري هذه الإعدادات على المكتب بأكمله وتصل إلى عقدة كل عضو عند المزامنة. لا يمكن تغييرها إلا لمسؤول.
settings-interpretation = معايير الترجمة الشفوية
settings-source = يتحقق المخطِّط من الترجمة الشفوية لكل اجتماع وفق هذه المعايير. وتتبع القيم الافتراضية المعايير المهنية للرابطة الدولية لمترجمي المؤتمرات الشفويين (AIIC).
settings-booth-solo-max-minutes = أطول اجتماع يمكن أن يغطيه مترجم واحد بمفرده (بالدقائق)
settings-booth-pair-max-minutes = أطول اجتماع يمكن أن تغطيه مقصورة من مترجمَين؛ وما زاد عليه يتطلب ثلاثة (بالدقائق)
settings-booth-pair-from-languages = عدد لغات الاجتماع الذي تحتاج عنده كل مقصورة إلى مترجمَين
settings-interpreter-daily-minutes = أقصى عدد من الدقائق في المقصورة للمترجم الواحد في اليوم
settings-hint = القيمة الافتراضية { $default }؛ من { $min } إلى { $max }. اترك الحقل فارغًا لاستخدام القيمة الافتراضية.
settings-err-range = أدخل عددًا صحيحًا من { $min } إلى { $max }، أو اترك الحقل فارغًا لاستخدام القيمة الافتراضية.
settings-save = حفظ الإعدادات
settings-admin-only = لا يمكن تغيير هذه الإعدادات إلا لمسؤول؛ وهذا الجهاز ليس جهاز مسؤول.
feeds-title = خلاصات التقويم
feeds-explain = يمكن لتطبيق تقويم على هذا الحاسوب أن يشترك في البرنامج كله أو في قاعة أو مجموعة أو في اجتماعات شخص، فيتابع كل تغيير يجريه المكتب. لكل عنوان مفتاحه الخاص: لا تعطه لأحد.
feeds-programme = البرنامج كله
feeds-off = خلاصات التقويم معطلة.
feeds-off-not-admin = يشغّلها مسؤول في المكتب.
feeds-turn-on = تشغيل خلاصات التقويم
feeds-rotate = إنشاء عناوين خلاصات جديدة
feeds-rotate-hint = تتوقف كل عناوين الخلاصات التي أُعطيت حتى الآن عن العمل، على كل حاسوب في المكتب، حالما يتزامن.
feeds-subscribe = الاشتراك في تطبيق تقويم
feeds-download = تنزيل التقويم (.ics)
feeds-address = عنوان الخلاصة
feeds-address-hint = الصق هذا العنوان حيث يطلب تطبيق التقويم اشتراكًا أو تقويمًا من الإنترنت.
feeds-qr = رمز QR لعنوان هذه الخلاصة
feeds-venue = على هاتف في مكان الانعقاد
feeds-venue-hint = تشترك الهواتف المتصلة بشبكة مكان الانعقاد هنا في الاجتماعات العامة فقط.
feeds-venue-qr = رمز QR للخلاصة العامة في مكان الانعقاد

## The interpretation planner (/interpretation)
nav-interpretation = الترجمة الشفوية
type-interpreter = مترجم شفوي
interp-title = خطة الترجمة الشفوية
interp-days = أيام الخطة
interp-previous-day = اليوم السابق
interp-next-day = اليوم التالي
interp-sheet = ورقة اليوم القابلة للطباعة
interp-sheet-title = ورقة الترجمة الشفوية
interp-caption = الاجتماعات المصحوبة بترجمة شفوية في { $date }
interp-none = لا يحتاج أي اجتماع في هذا اليوم إلى ترجمة شفوية.
interp-col-time = الوقت
interp-col-meeting = الاجتماع
interp-col-booths = المقصورات والمترجمون
interp-col-findings = ما يلزم التحقق منه
interp-col-day = اليوم
interp-col-booth = المقصورة
interp-col-colleagues = الزملاء
interp-no-seats = لم يُكلَّف أي مترجم
interp-ok = لا ملاحظات
interp-seat = تكليف المترجمين
interp-seat-title = المترجمون الشفويون لاجتماع «{ $meeting }»
interp-booth = مقصورة الترجمة إلى: { $language }
interp-no-languages = لم تُحدَّد لغات هذا الاجتماع بعد. حدِّد لغاته أولًا في صفحة الاجتماع.
interp-no-candidates = لا يوجد بعد مترجم يترجم إلى هذه اللغة.
interp-combination = A: { $a }؛ B: { $b }؛ C: { $c }
interp-interpreters = المترجمون الشفويون
interp-no-interpreters = لم يُسجَّل أي مترجم شفوي بعد.
interp-their-day = برنامج اليوم
interp-day-title = { $name }: { $date }
interp-day-minutes = الوقت في المقصورة في هذا اليوم: { $minutes } دقيقة (الحد اليومي: { $limit } دقيقة).
interp-day-none = لا تكليفات في هذا اليوم.
interp-available-always = لم يُحدَّد وقت التوافر: يُعتبر المترجم متاحًا في أي وقت.
interp-available-not = غير متاح في هذا اليوم.
interp-available = متاح في هذا اليوم:
interp-all-day = طوال اليوم
interp-findings = مسائل يلزم التحقق منها
interpreter-new = مترجم شفوي جديد
interpreter-create = تسجيل المترجم
field-a-languages = اللغات A (اللغة الأم)
field-b-languages = اللغات B (اللغات الفاعلة)
field-c-languages = اللغات C (اللغات المنفعلة)
hint-a-languages = اللغات التي يترجم إليها المترجم من جميع لغاته الأخرى.
hint-b-languages = لغات أخرى يترجم إليها المترجم.
hint-c-languages = لغات يفهمها المترجم فهمًا تامًا ويترجم منها، لا إليها.
field-available = أوقات التوافر
hint-available = يوم واحد في كل سطر، مثل 2025-11-16 لليوم كله أو 2025-11-16 09:00-13:00 لجزء منه. اترك الحقل فارغًا إذا كان المترجم متاحًا في أي وقت.
field-team = الفريق
field-booth-count = عدد المقصورات
hint-booth-count = مقصورات الترجمة الشفوية الفعلية في هذه القاعة. إذا تُرك الحقل فارغًا: مقصورة لكل لغة من لغات المقصورات.
err-availability = «{ $line }» ليس يومًا على غرار 2025-11-16 أو 2025-11-16 09:00-13:00.
kind-booths-too-few = عدد المقصورات غير كافٍ
kind-booth-team-too-small = فرق مقصورات غير مكتملة
kind-interpreter-double-booked = مترجمون مكلَّفون مرتين
kind-interpreter-unavailable = مترجمون غير متاحين
kind-interpreter-language-mismatch = مترجمون في مقصورة لا تناسب لغاتهم
kind-relay-needed = يلزم الترجمة عبر لغة وسيطة
kind-interpreter-overloaded = مترجمون تجاوزوا الحد اليومي
finding-booths-too-few = يتطلب «{ $meeting }» عدد { $needed } من المقصورات، بينما في { $room } عدد { $count } منها.
finding-booth-team-too-small = مقصورة الترجمة إلى { $language } في «{ $meeting }» غير مكتملة: المكلَّفون { $size }، والمطلوب { $needed }.
finding-interpreter-double-booked = { $interpreter } مكلَّف بـ«{ $a }» و«{ $b }» في الوقت نفسه.
finding-interpreter-unavailable = { $interpreter } مكلَّف بـ«{ $meeting }» لكنه غير متاح في ذلك الوقت.
finding-interpreter-language-mismatch = { $interpreter } مكلَّف بمقصورة الترجمة إلى { $language } في «{ $meeting }» لكنه لا يترجم إلى هذه اللغة.
finding-relay-needed = في «{ $meeting }»، لا يفهم أحد في مقصورة الترجمة إلى { $booth } لغة المتكلم ({ $floor }): تأخذ هذه المقصورة الترجمة عبر مقصورة الترجمة إلى { $from }.
finding-relay-needed-none = في «{ $meeting }»، لا يفهم أحد في مقصورة الترجمة إلى { $booth } لغة المتكلم ({ $floor })، ولا توجد مقصورة يمكنها توفير الترجمة عبر لغة وسيطة.
finding-interpreter-overloaded = { $interpreter } مكلَّف بـ{ $minutes } دقيقة في المقصورة يوم { $date }، متجاوزًا الحد اليومي البالغ { $limit } دقيقة.

# Calendar feeds: the labels inside a meeting's description in a calendar app.
feed-languages = اللغات
feed-agenda = جدول الأعمال
feed-booth = المقصورة
