# bureau، واجهة الويب: العربية (جزئية؛ ما لم يُترجم بعد يظهر بالإنجليزية).

app-name = bureau
app-description = تشكيلة مكتب التنسيق وجدوله وملاحظات الاتصال، محفوظة على هذا الحاسوب ومتزامنة مع الأعضاء الآخرين.

## التواريخ والأوقات (توقيت مكان الانعقاد)

date-long = { $weekday } { $day } { $month } { $year }
date-short = { $weekday_short } { $day } { $month_short }
date-time = { $date }، { $time }
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

## اللغات

language-ar = العربية
language-zh = الصينية
language-en = الإنجليزية
language-fr = الفرنسية
language-ru = الروسية
language-es = الإسبانية
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
sync-paused = المزامنة متوقفة مؤقتًا
sync-offline = غير متصل: التغييرات محفوظة على هذا الحاسوب
sync-in-sync = { $n ->
    [zero] لا أقران
    [one] قرين واحد · متزامن
    [two] قرينان · متزامنان
    [few] { $n } أقران · متزامنون
   *[other] { $n } قرينًا · متزامنون
}
sync-syncing = { $n ->
    [one] قرين واحد · جارٍ التزامن
    [two] قرينان · جارٍ التزامن
   *[other] { $n } أقران · جارٍ التزامن
}

## الدخول والأخطاء

login-title = تسجيل الدخول
error-title = حدث خطأ ما
error-summary = يرجى تصحيح ما يلي
error-prefix = خطأ:
err-required = املأ هذا الحقل.
err-end-before-start = يجب أن ينتهي الاجتماع بعد أن يبدأ.

## كلمات مشتركة

save = حفظ التغييرات
cancel = إلغاء
archive = أرشفة
restore = استعادة
undo = تراجع
field-required = (مطلوب)

## نظرة عامة

overview-title = نظرة عامة
overview-today = اجتماعات اليوم
overview-no-meetings = لا اجتماعات اليوم.
overview-open-schedule = افتح الجدول
overview-sync = المزامنة
overview-findings = { $n ->
    [zero] لا شيء يحتاج إلى انتباه
    [one] ملاحظة واحدة تحتاج إلى انتباه
    [two] ملاحظتان تحتاجان إلى انتباه
    [few] { $n } ملاحظات تحتاج إلى انتباه
    [many] { $n } ملاحظة تحتاج إلى انتباه
   *[other] { $n } ملاحظة تحتاج إلى انتباه
}

## التشكيلة والجدول والاتصال

roster-title = التشكيلة
groups-title = المجموعات
members-title = الأعضاء
review-title = مراجعة التشكيلة
schedule-title = الجدول
view-timetable = الجدول الزمني
view-list = القائمة
day-previous = اليوم السابق
day-next = اليوم التالي
rooms-title = القاعات
meeting-new = اجتماع جديد
liaison-title = الاتصال
bodies-title = الهيئات
report-link = تقرير للجلسة العامة
conflicts-title = التعارضات
peers-page-title = الأقران والأجهزة
field-title = العنوان
field-date = التاريخ
field-start = يبدأ
field-end = ينتهي
field-room = القاعة
field-languages = اللغات
field-name = الاسم
field-status = الحالة
