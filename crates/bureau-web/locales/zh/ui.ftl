# bureau，网页界面：简体中文（完整；标识符与英文相同）。
# 正式语体，采用联合国术语：主席团、全体会议、协调人、民间社会。
# 中文没有复数形式：选择器只用 *[other]，以及个别数字变体（[0]、[24]、[168]）。

app-name = bureau
app-description = 协调主席团的成员组成、日程和联络记录，保存在本机，并与其他成员同步。

## 日期和时间（会场当地时间）

date-long = { $year }年{ $month }{ $day }日{ $weekday }
date-short = { $month_short }{ $day }日{ $weekday_short }
date-time = { $date } { $time }
# Between the items of a list (a string literal: Chinese lists take the enumeration comma).
list-separator = { "、" }
weekday-1 = 星期一
weekday-2 = 星期二
weekday-3 = 星期三
weekday-4 = 星期四
weekday-5 = 星期五
weekday-6 = 星期六
weekday-7 = 星期日
weekday-short-1 = 周一
weekday-short-2 = 周二
weekday-short-3 = 周三
weekday-short-4 = 周四
weekday-short-5 = 周五
weekday-short-6 = 周六
weekday-short-7 = 周日
month-1 = 1月
month-2 = 2月
month-3 = 3月
month-4 = 4月
month-5 = 5月
month-6 = 6月
month-7 = 7月
month-8 = 8月
month-9 = 9月
month-10 = 10月
month-11 = 11月
month-12 = 12月
month-short-1 = 1月
month-short-2 = 2月
month-short-3 = 3月
month-short-4 = 4月
month-short-5 = 5月
month-short-6 = 6月
month-short-7 = 7月
month-short-8 = 8月
month-short-9 = 9月
month-short-10 = 10月
month-short-11 = 11月
month-short-12 = 12月
time = 时间
venue-time = 会场当地时间（{ $zone }）
footer-timezone = 所有时间均为会场当地时间（{ $zone }）。您所做的每项更改都会先保存在本机，有网络连接时再与其他成员共享。

## 语言

language-ar = 阿拉伯文
language-zh = 中文
language-en = 英文
language-fr = 法文
language-ru = 俄文
language-es = 西班牙文
language-pt = 葡萄牙文
language-de = 德文
language-it = 意大利文
language-sw = 斯瓦希里文
language-label = 语言
language-apply = 切换

## 页面框架

skip-to-content = 跳至正文
nav-label = 主导航
nav-overview = 概览
nav-roster = 成员组成
nav-schedule = 日程
nav-liaison = 联络
nav-conflicts = 冲突
nav-peers = 对等节点和设备
live-updated = 本页已根据另一台设备上的更改更新。
sync-off = 同步已关闭
sync-not-running = 本节点未运行对等同步。
sessions-title = 已登录的浏览器
sessions-explain = 浏览器打开登录链接后，保持登录状态30天。
logout-button = 退出登录
logout-all-button = 退出所有浏览器的登录
logout-all-hint = 登录本节点的所有浏览器（包括当前浏览器）都须重新打开登录链接（可用 bureau status 查看）。使用 api-token 的脚本不受影响。
sync-loading = 正在打开记录：显示上次保存的内容
sync-loading-older = 正在打开记录：显示的是较早的状态，最新的更改仍在加载
sync-paused = 同步已暂停
sync-paused-explain = 恢复同步之前，不与其他设备交换任何数据。
sync-offline = 离线：更改保存在本机
sync-running = 运行中
sync-in-sync = { $n ->
   *[other] { $n }个对等节点 · 已同步
}
sync-syncing = { $n ->
   *[other] { $n }个对等节点 · 同步中
}
sync-summary = { $connected ->
   *[other] 已连接{ $connected }台设备
}，其中{ $in_sync }台已同步。
sync-pause = 暂停同步
sync-resume = 恢复同步
sync-pause-hint = 暂停会断开所有连接（“飞行模式”）；您的更改仍保存在本机。

## 登录和错误

login-title = 登录
login-wrong-title = 此登录链接无效
login-how = 请打开节点启动时显示的登录链接。如需再次查看，请在终端中运行：
error-title = 出现错误
error-not-found = 该记录或页面不存在。
error-not-found-loading = 该记录尚未显示：它可能属于仍在加载的最新更改。请稍后重新加载页面。
not-found-title = 未找到页面
not-found-explain = 此地址没有页面：可能是地址输入有误，或链接已过期。
error-observer = 本设备为观察员设备：可以查看主席团的数据，但不能修改。
error-not-member = 本设备尚未加入主席团；请先通过邀请加入。
error-disk-full = 磁盘已满：请释放空间后重试。未保存任何内容。
error-closed = 节点正在关闭。
error-not-saved = 无法保存更改；请查看节点日志。
error-logout-not-saved = 无法保存退出登录操作；请查看节点日志。节点重启后，浏览器可能仍保持登录。
error-body = 无法读取表单。
error-summary = 请更正以下内容
error-in-field = { $field }：{ $message }
error-prefix = 错误：
back-to-overview = 返回概览

## 验证消息

err-required = 请填写此项。
err-end-before-start = 会议的结束时间必须晚于开始时间。
err-too-long-meeting = 会议持续时间不得超过14天。
err-datetime = 请输入日期和时间。
err-date = 请按 2025-11-16 的格式输入日期。
err-time = 请按 09:30 的格式输入时间。
err-email = 请按 name@example.org 的格式输入电子邮件地址。
err-too-long = 内容过长。
err-single-line = 请只使用一行。
err-invisible = 请删除此名称中的不可见字符或文字方向字符。
err-language = 请使用语言代码，例如 en、fr 或 zh-Hans。
err-capacity = 容量不得超过100000。
err-number = 请输入整数。
err-unknown-ref = 此处引用的内容不存在（或已不存在）。
err-address = 请按 /ip4/192.168.1.20/tcp/4001 的格式输入对等节点地址。
err-choice = 请选择一个选项。
err-period = 期间的结束日期不得早于开始日期。

## 通用词语

save = 保存更改
cancel = 取消
archive = 归档
restore = 恢复
undo = 撤销
archived-mark = 已归档
record-archived = 此记录已归档：它不在列表中显示，但仍予保留。恢复后即可重新显示。
record-findings = 需要注意
record-no-findings = 没有需要注意的事项。
history-link = 更改历史
unknown-person = 某人
never = 从未
show-archived = 显示已归档
hide-archived = 隐藏已归档
field-required = （必填）
updated-by = 最后由{ $name }于{ $when }更改。
findings-count = { $n ->
   *[other] { $n }项提示
}
findings-about = 关于{ $name }的提示
conflicts-count = { $n ->
   *[other] { $n }个冲突待解决
}

## 长列表的分页

pager-label = { $list }：分页
pager-status = 第{ $page }页，共{ $pages }页；第{ $from }至{ $to }项，共{ $total }项
pager-previous = 上一页
pager-next = 下一页
pager-page = 第{ $page }页

## 更改后的通知

done-created = 已创建。
done-saved = 更改已保存。
done-archived = 已归档。
done-archived-named = “{ $name }”已归档。
done-restored = 已恢复。
done-merged = 两位成员已合并：原先提及另一位成员的所有内容现在都提及此成员。
done-resolved = 冲突已解决：您选择的值现已成为所有人的值。
done-already = 该冲突已经解决，可能是在另一台计算机上解决的。
done-recorded = 审查已记录，各团体的状态已更新。
done-admitted = 该团体已获接纳，审查草稿已保存。
done-paused = 同步已暂停。
done-resumed = 同步已恢复。
done-dialled = 正在连接该地址。
done-bundle = 数据包已导入：本节点现已包含其中的更改。
done-revoked = 该设备已被撤销，不能再同步。
done-role = 设备的角色已更改。

## 记录类型和字段

type-member = 成员
type-device = 设备
type-group = 团体
type-review = 审查
type-room = 会议室
type-meeting = 会议
type-body = 机构
type-note = 记录
field-name = 名称
field-title = 标题
field-kind = 类型
field-status = 状态
field-date = 日期
field-start = 开始
field-end = 结束
field-end-date = 在另一天结束
field-room = 会议室
field-room-id = 会议室
field-organiser = 组织团体
field-languages = 语言
field-languages-other = 其他语言代码
field-groups = 与会团体
field-members = 与会成员
field-attendees = 与会者
field-agenda = 议程
field-resources = 资源
field-capacity = 座位数
field-booths = 口译箱
field-equipment = 设备
field-organisation = 组织
field-email = 电子邮件
field-phone = 电话
field-contact = 联系方式
field-focal-points = 协调人
field-focal-point-of = 担任协调人的团体
field-group = 团体
field-attention = 需要注意
field-decision = 决定
field-notes = 备注
field-body = 机构
field-body-id = 机构
field-text = 正文
field-content-implications = 涉及实质内容
field-plenary-consulted = 已征求全体会议意见
field-description = 说明
field-action = 行动事项
field-owner = 负责人
field-due = 截止日期
field-note = 记录
field-change = 更改
field-from = 自
field-to = 至
field-role = 角色
field-address = 对等节点地址
field-valid-for = 有效期
hint-end-date = 仅适用于在之后某天结束的会议。
hint-languages = 工作语言；如有多种语言，每种语言都需要一个口译箱。
hint-language-codes = 以空格分隔的代码，例如 pt 或 zh-Hans。
hint-booths = 本会议室设有口译箱的语言。
hint-equipment = 各项之间以逗号分隔。
hint-content-implications = 此事项须征求全体会议意见。
hint-resources = 会议所需的资源，例如麦克风、投影仪或餐饮，以及是否已确认。
hint-address = 按另一节点显示的格式，例如 /ip4/192.168.1.20/tcp/4001/p2p/12D3KooW…

## 概览

overview-title = 概览
overview-today = 今日会议
overview-no-meetings = 今天没有会议。
overview-open-schedule = 打开日程
overview-sync = 同步
overview-findings = { $n ->
    [0] 没有需要注意的事项
   *[other] { $n }项提示需要注意
}
overview-no-findings = 没有重复预订、缺少口译箱、逾期审查或逾期行动事项。
conflicts-none-short = 没有同时进行的修改。
overview-damage-title = 部分已保存的修改暂时无法显示
overview-damage = { $n ->
   *[other] { $n }项已保存的修改正在等待本机文件中缺失的修改（文件已损坏或被删除）
}：{ $files }。没有删除任何内容。请连接主席团的另一台设备：它会发送缺失的内容，此消息随即消失。

## 提示

kind-room-double-booked = 重复预订的会议室
kind-member-double-booked = 需同时出席两处的人员
kind-interpretation-not-covered = 口译未落实
kind-archived-reference = 引用已归档的记录
kind-group-without-focal-point = 没有协调人的团体
kind-review-overdue = 成员组成审查逾期
kind-group-inactive = 自上次审查以来未出席会议
kind-plenary-consultation-pending = 尚待征求全体会议意见
kind-action-overdue = 逾期的行动事项
finding-room-double-booked = { $room }被重复预订：“{ $a }”与“{ $b }”时间重叠。
finding-member-double-booked = { $member }需同时出席“{ $a }”和“{ $b }”。
finding-interpretation-not-covered = “{ $meeting }”需要{ $languages }口译，但{ $room }没有相应的口译箱。
finding-archived-room = “{ $meeting }”在{ $name }举行，而该会议室已归档。
finding-archived-group = “{ $meeting }”列有团体{ $name }，而该团体已归档。
finding-unknown-room = “{ $meeting }”所在的会议室不存在。
finding-unknown-group = “{ $meeting }”列有一个不存在的团体。
finding-group-without-focal-point = { $group }没有在职的协调人。
finding-review-overdue = 成员组成审查应于{ $date }进行。
finding-group-inactive = 自{ $date }审查以来，{ $group }未出席任何会议。
finding-group-inactive-created = 自{ $date }成立以来，{ $group }未出席任何会议。
finding-group-inactive-active-again = 自{ $date }恢复活动以来，{ $group }未出席任何会议。
finding-plenary-consultation-pending = “{ $note }”涉及实质内容，尚未征求全体会议意见。
finding-action-overdue = “{ $action }”（{ $owner }）应于{ $date }完成。
finding-action-overdue-note = “{ $note }”中有一项行动事项已逾期。

## 成员组成

roster-title = 成员组成
groups-title = 团体
members-title = 成员
group-new = 添加团体
group-create = 添加该团体
member-new = 添加成员
member-create = 添加该成员
group-status-history = 状态变化
group-kind-family = 集群
group-kind-caucus = 核心小组
group-kind-working-group = 工作组
group-kind-other = 其他团体
group-kind-plural-family = 集群
group-kind-plural-caucus = 核心小组
group-kind-plural-working-group = 工作组
group-kind-plural-other = 其他团体
group-status-active = 在册
group-status-inactive = 不活跃
group-status-removed = 已除名
status-event-active = 在册
status-event-inactive = 被标记为不活跃
status-event-removed = 被除名
status-event-returned = 已恢复
review-title = 成员组成审查
review-of = { $date }的审查
review-last = 最近一次记录的审查：
review-none = 尚未记录任何审查。
review-next-due = 下次审查应不迟于{ $date }进行。
review-overdue = 已逾期
review-inactive-groups = { $n ->
    [0] 自那以后，所有在册团体都出席过会议。
   *[other] 自那以后，有{ $n }个在册团体未出席任何会议。
}
review-continue = 继续{ $date }的审查
review-date = 审查日期
review-start = 开始审查
review-open = 进行中：决定仍可更改
review-recorded = 已记录
review-since = 出席情况自{ $date }的审查起计算。
review-see-last = 查看该次审查
review-first = 这是第一次审查：尚未计算任何出席情况。
review-quiet-groups = 自上次审查以来未出席会议
review-no-quiet-groups = 自上次审查以来，所有在册团体都出席过会议。
review-other-groups = 其他团体
review-last-attended = 最近一次出席：{ $date }
review-never-attended = 无出席记录
review-decisions = 决定
review-save = 保存草稿
review-record = 记录审查
review-record-hint = 记录审查即执行各项决定：相关团体被标记为不活跃、被除名或恢复，这些变化会显示在其历史中。
decision-keep = 保留
decision-inactive = 不活跃
decision-remove = 除名
decision-return = 恢复
review-decision-admit = 接纳
review-admitted = 已接纳
review-new-groups = 新团体
review-new-groups-hint = 这些团体是在上次审查之后加入的。接纳即予保留，也可将其除名。
review-admit-title = 接纳新团体
review-admit-hint = 该团体立即列入成员组成；本次审查记录对其的接纳。
review-admit = 接纳该团体
review-err-return-active = 只有不活跃或已除名的团体才能恢复；该团体目前在册。
field-admit-name = 新团体的名称
field-admit-kind = 其类型
field-admit-focal-points = 其协调人

## 日程

schedule-title = 日程
schedule-days = 日期
schedule-view = 视图
view-timetable = 时间表
view-list = 列表
day-previous = 前一天
day-next = 后一天
timetable-caption = { $date }的会议（按会议室）
schedule-no-meetings = 当天没有会议。
schedule-day-findings = 当天的提示
schedule-no-findings = 当天没有时间冲突，也不缺少口译箱。
rooms-title = 会议室
room-new = 添加会议室
room-create = 添加该会议室
room-option = { $name }（{ $capacity }个座位；口译箱：{ $booths }）
no-booths = 无
no-room = 尚未指定会议室
no-organiser = 无
meeting-new = 新建会议
meeting-create = 创建会议
meeting-findings = 关于本次会议的提示
meeting-no-findings = 本次会议没有时间冲突。
meeting-as-saved = 按已保存的版本
meeting-now = 正在进行
meeting-status-proposed = 拟议
meeting-status-confirmed = 已确认
meeting-status-cancelled = 已取消
meeting-kind-bureau = 主席团
meeting-kind-plenary = 全体会议
meeting-kind-caucus = 核心小组
meeting-kind-working-group = 工作组
meeting-kind-family = 集群
meeting-kind-liaison = 联络
meeting-kind-briefing = 情况介绍会
meeting-kind-other = 其他
resource-name = 资源
resource-new = 添加资源
resource-new-state = 已申请或已确认
resource-remove = 删除
resource-remove-named = 删除{ $name }
resource-state-requested = 已申请
resource-state-confirmed = 已确认
resource-with-state = { $name }（{ $state }）
attendees-count = { $groups ->
   *[other] { $groups }个团体
}，{ $members ->
   *[other] { $members }人
}

## 联络

liaison-title = 联络
bodies-title = 机构
bodies-all = 所有机构
body-new = 添加机构
body-create = 添加该机构
body-edit = 编辑该机构
notes-all = 所有记录
notes-none = 尚无记录。
note-new = 新建记录
note-create = 创建记录
note-content-implications = 涉及实质内容
note-plenary-consulted = 已征求全体会议意见
note-consultation-pending = 尚待征求意见
actions-title = 行动事项
actions-none = 没有行动事项。
action-add = 添加行动事项
action-add-button = 添加该行动事项
action-done = 已完成
action-open = 未完成
action-overdue = 已逾期
action-due = 截止日期：{ $date }
action-mark-done = 标记为已完成
action-mark-done-named = 标记为已完成：“{ $action }”
action-reopen = 重新打开
action-reopen-named = 重新打开：“{ $action }”
action-remove = 删除
action-remove-named = 删除：“{ $action }”
no-owner = 暂无
report-link = 提交全体会议的报告
report-title = 关于后勤事项提交全体会议的报告
report-period = { $bureau }，{ $from }至{ $to }。
report-show = 显示该期间
report-print = 打印
report-notes = 本期联络记录
report-consultation = 需征求全体会议意见的事项
report-actions = 行动事项
report-meetings = 会议
report-logistics = 会议室和口译
report-none = 无。
report-no-issues = 没有重复预订，也不缺少口译箱。

## 冲突和历史

conflicts-title = 冲突
conflicts-explain = 这些字段曾在两台计算机上同时被修改。两个值均予保留，直至有人选定其一；所作选择将与所有人共享。
conflicts-none = 没有冲突。在两台计算机上同时修改的字段会显示在此处。
conflict-by = 由{ $name }修改
conflict-shown = 当前显示的值
conflict-keep = 保留此值
conflict-pick = 请选择其中一个值。
conflict-mark = 此字段曾在两台计算机上同时被修改。两个值均予保留，直至有人选定其一：
conflict-marks-summary = 此记录的部分字段曾在两台计算机上同时被修改。其各个值显示在字段旁：保留正确的值，所有人都将看到。
conflict-marks-all = 查看所有冲突
value-empty = （空）
value-yes = 是
value-no = 否
history-title = { $name }的历史
history-caption = { $n ->
   *[other] { $n }项更改，按时间由近及远排列
}
history-when = 时间
history-who = 人员
history-what = 内容
history-fields = 更改内容
history-verb-create = 创建
history-verb-update = 更改
history-verb-archive = 归档
history-verb-restore = 恢复
history-verb-resolve = 解决冲突
history-verb-add = 添加
history-verb-revoke = 撤销
history-verb-migrate = 升级
history-verb-import = 已导入
history-doc-edit-text = 编辑了文本
history-doc-comment = 添加了评论
history-doc-reply = 回复了评论
history-doc-resolve-comment = 关闭了评论
history-doc-reopen-comment = 重新打开了评论
history-doc-suggest = 提出了措辞建议
history-doc-accept = 接受了建议
history-doc-reject = 拒绝了建议
history-doc-name-version = 命名了版本
history-doc-tidy = 删除了重复接受的措辞
field-versions = 版本
field-comments = 评论
field-suggestions = 建议措辞
history-became = 改为
history-added = 新增：
history-removed = 删除：
history-spacing = 仅空格或换行有变化。
field-archived = 已归档
field-decisions = 决定
field-actions = 行动事项

## 对等节点和设备

peers-page-title = 对等节点和设备
peers-open = 查看对等节点和设备
peers-this-device = 本设备
peers-peer-id = 对等节点标识
peers-listening = 监听地址
peers-sync = 同步
peers-title = 对等节点
peers-none = 尚未发现其他节点。可按地址添加节点，或邀请新设备。
peers-device = 设备
peers-member = 成员
peers-connection = 连接
peers-last-sync = 上次同步
peers-address = 地址
peers-unknown-device = 未知设备
peer-connected = 已连接
peer-offline = 离线
peer-in-sync = 已同步
peer-syncing = 同步中
bundle-title = 通过文件传递更改
bundle-explain = 数据包包含主席团的更改，经过密封，只有主席团的设备才能打开，并由这台电脑签名。可通过U盘、电子邮件或聊天工具将其带到无法连接本机的电脑上，然后在那里导入。重复导入同一个数据包不会造成任何影响。
bundle-download = 下载包含全部更改的数据包
bundle-file = 数据包文件
bundle-import-button = 导入数据包
bundle-no-file = 请选择要导入的数据包文件。
bundle-refused = 数据包被拒绝：{ $message }
dial-title = 按地址添加对等节点
dial-button = 连接
invite-title = 邀请设备
invite-button = 生成邀请码
invite-hours = { $n ->
    [24] 1天
    [168] 1周
   *[other] { $n }小时
}
invite-ready = 邀请码已生成
invite-explain = 此邀请码允许一台新设备以{ $role }身份加入，有效期至{ $until }。请私下分享：口头告知、粘贴到聊天中，或出示二维码。
invite-join-hint = 在新计算机上运行：
invite-qr = 邀请二维码
invite-code = 需输入的代码：
invite-code-hint = 请口头告知或发送此代码。在同一网络中，新计算机通过编号找到本机；两个词即为密码。输错三次，邀请即作废。
invite-link = 邀请链接
invite-link-hint = 适用于无法通过编号找到本机的计算机（位于其他网络，或所在 Wi-Fi 网络将各计算机相互隔离）：该链接包含本节点的地址。二维码包含同一链接。
invites-title = 在本机生成的邀请
invites-until = 有效期至
invites-state = 状态
invites-open = 有效，代码
invites-wrong = { $n ->
   *[other] （输错{ $n }次）
}
invites-burned = { $n ->
   *[other] 代码输错{ $n }次后已作废
}
invites-used = 已使用
invites-expired = 已过期
board-title = 谁有最新版本
board-explain = 每位成员的设备，以及每台设备是否拥有本电脑上的全部更改：依据其与本电脑的最近一次同步，或依据与其同步过的另一台电脑（例如枢纽）提供的信息。可用于回答“大家都拿到新日程了吗？”。
board-summary = 拥有本电脑全部内容的其他设备：{ $total } 台中的 { $n } 台。
board-none = 尚无其他设备。
board-member = 成员
board-device = 设备
board-state = 是否最新？
board-when = 截至
board-no-device = 无设备
board-this = 本电脑
board-this-has = 本电脑
board-current = 已全部拥有
board-behind = 缺少 { $n } 项更改
board-unknown = 未知
board-via = （经由 { $name }）
doctor-title = 本电脑可能无法同步的原因
doctor-ok = 本电脑所能看到的情况中，没有任何妨碍同步的因素。
doctor-paused = 本电脑已暂停同步。
doctor-paused-next = 请在本页恢复同步。
doctor-no-address = 本电脑除自身外没有任何网络地址，因此其他电脑无法连接到它。
doctor-no-address-next = 请将其连接到 Wi-Fi 网络或网线。
doctor-no-multicast = 本电脑没有组播路由，因此无法自行发现网络上的其他电脑。
doctor-no-multicast-next = 请将其连接到带路由器的网络，手动添加某位成员的地址，或使用主席团的枢纽。
doctor-mdns-silent = 本电脑正在网络上寻找其他电脑，但未发现任何一台：此 Wi-Fi 可能阻止组播或将电脑彼此隔离。
doctor-mdns-silent-next = 请使用主席团的枢纽，以更改包的形式用 U 盘传递更改（见本页），或在本页手动添加某位成员的地址。
doctor-unreachable = 无法连接到 { $name }：{ $errors }。
doctor-unreachable-next = 请确认其节点正在运行，且位于本电脑可以访问的网络上；其对等方页面显示其地址。
doctor-address = { $addr } 无响应：{ $error }。
doctor-address-next = 请核对另一台电脑对等方页面上的地址，并确认其节点正在运行。
doctor-refused-revoked = { $name } 曾尝试同步，但其设备已被撤销，因此本电脑拒绝了它。
doctor-refused-stranger = 一个不属于本主席团设备的节点（{ $name }）曾尝试同步，已被拒绝。
doctor-refused-next = 如在意料之中则无需处理；管理员可以再次邀请该设备。
doctor-this-revoked = 本电脑的设备已被撤销：其他成员的电脑拒绝与其同步。
doctor-this-revoked-next = 请向管理员索取新的邀请，并凭此重新加入。
doctor-clock-ahead = { $name } 的时钟比本电脑快 { $minutes } 分钟：双方在记录上写下的时间在对方看来都会出错。
doctor-clock-behind = { $name } 的时钟比本电脑慢 { $minutes } 分钟：双方在记录上写下的时间在对方看来都会出错。
doctor-clock-next = 请校准两台电脑的时钟：使用网络自动时间，并设置正确的时区。
doctor-incompatible = { $name } 运行的 bureau 版本无法与本电脑同步：它拒绝了 { $protocol }。
doctor-incompatible-next = 请在两台电脑上安装相同版本的 bureau。
join-title = 加入另一个主席团
join-offer = 本机尚未用于任何用途。如果您已受邀加入某个主席团，请在此加入：本节点的空主席团将被搁置。
join-explain = 请输入邀请您的成员提供的代码，或粘贴邀请链接。本节点自身尚无人使用的主席团将被搁置（不删除任何内容），节点将以您加入的主席团重新启动。
join-code = 邀请码或邀请链接
join-code-hint = 例如 7-orbit-lantern，或以 bureau1- 开头的链接。
join-name = 您的姓名
join-name-hint = 即其他成员将看到的姓名。如果邀请是以成员身份为您生成的（用于您的另一台计算机），请留空。
join-peer = 发出邀请的计算机的地址
join-peer-hint = 仅在本机无法在网络中找到发出邀请的计算机时填写：该计算机对等节点页面上的地址，例如 /ip4/203.0.113.7/tcp/4001。
join-button = 加入
join-touched = 本节点的主席团已有修改，因此无法在此搁置。如需在本机加入另一个主席团，请在终端中使用另一个数据目录：
join-done = 已加入
join-done-explain = 您已以{ $name }的身份加入。节点将以新的主席团重新启动，其数据来自发出邀请的计算机；本页面稍后将打开概览。
join-open = 打开概览
member-merge-title = 与另一位成员是同一人？
member-merge-hint = 如果此成员与另一位成员是同一人（例如以新名称加入的计算机），请将二者合并：提及此成员的所有内容都将转给另一位成员，此成员将被归档。
member-merge-into = 合并到
member-merge-button = 合并
devices-title = 主席团的设备
devices-added = 添加时间
devices-this = 本设备
device-revoked = 已撤销
device-active = 有效
device-revoke = 撤销
device-revoke-named = 撤销：{ $name }
device-revoke-self = 本节点不能撤销自己的设备：须由另一成员的节点撤销。
role-editor = 编辑者
role-observer = 观察员
role-admin = 管理员
role-relay = 中继（枢纽）
invite-member = 加入者
invite-member-hint = 新成员加入时填写自己的姓名；主席团现有成员的设备以该成员的身份加入。
invite-member-new = 新成员
invite-member-own-only = 只有管理员才能为其他成员邀请设备；您可以邀请新成员和您自己的设备。
invite-admin-only = 只有管理员才能邀请管理员设备。
invite-observer = 本设备不能发出邀请：只有编辑者或管理员的设备才能邀请。
invite-explain-member = 此邀请码允许{ $name }的一台新设备以{ $role }身份加入，有效期至{ $until }。请私下分享：口头告知、粘贴到聊天中，或出示二维码。
device-role-named = { $name }的角色
device-role-change = 更改
device-admin-only = 只有管理员才能撤销设备或更改角色。
device-last-admin = 这是主席团最后一台管理员设备：请先将另一台设备设为管理员，以确保主席团保有一台管理员设备。

# A field the user and a peer both changed while the form was open.
contest-summary = 在您编辑此记录期间，其他人修改了它。对于你们都修改过的字段，另一个值显示在字段旁：请选择要保留的值。目前尚未保存任何内容。
contest-changed-meanwhile = 在此期间，{ $name }将其改为：
contest-keep-mine = 保留我的值（字段中的值）
contest-keep-theirs = 保留对方的值
contest-removed = （已删除）
contest-empty = （空）
err-contest-choose = 请选择要保留的值。
error-form-heads = 此表单是基于本节点没有的记录版本打开的。请重新打开该记录，再次进行修改。
yes = 是
no = 否

# Finding things: the search box, the schedule's filters, agendas and pickers.
search-label = 在主席团中搜索
search-button = 搜索
search-title = 搜索
search-title-for = 搜索：{ $q }
search-words = 要查找的词语
search-hint = 按名称、标题和正文查找成员、团体、会议室、会议、联络机构和记录。不区分大小写和重音符号，输入词语的开头即可：“gen”可找到“Genève”。
search-too-long = 最多输入{ $n }个字符。
search-too-many-words = 最多输入{ $n }个词。
search-results = { $n ->
    [0] 无结果
   *[other] { $n }项结果
}
search-results-list = 搜索结果
search-nothing = 没有同时包含所有这些词语的内容。请减少词语，或输入名称的开头。
filter-title = 仅显示部分会议
filter-group = 团体
filter-member = 成员
filter-language = 语言
filter-any-room = 所有会议室
filter-any-group = 所有团体
filter-any-member = 所有人
filter-any-language = 所有语言
filter-apply = 显示
filter-clear = 显示所有会议
agenda-title = 我的日程
agenda-meetings = 会议
agenda-upcoming = 即将举行
agenda-past = 已举行
agenda-none = 无。
agenda-in-person = 本人出席
agenda-through = 随{ $group }出席
agenda-lead = { $name }的会议：您本人出席的会议，以及您担任协调人的团体的会议。
agenda-groups = 您是以下团体的协调人：{ $groups }。
agenda-no-groups = 您不是任何团体的协调人。
agenda-member-page = 您在成员组成中的条目
agenda-no-member = 本设备尚不属于主席团的任何成员，因此没有日程。加入后，其成员的会议将列于此处。
room-meetings = 本会议室的会议
group-meetings = 本团体的会议
picker-filter = 仅显示包含以下内容的名称
picker-none = 没有匹配的名称。已勾选的名称保持勾选。
picker-ticked = { $n ->
   *[other] 已选{ $n }项，列在前面
}

## Documents

type-document = 文件

## 电子表格：导出与导入（/roster/spreadsheets）
spreadsheets-title = 电子表格
spreadsheets-link = 电子表格
export-title = 导出
export-explain = 以电子表格程序可打开的文件提供各份名单，不含已归档的记录。CSV 文件保留重音符号和各种文字；电子表格会当作公式执行的单元格一律写成纯文本。
export-list = 名单
export-csv = CSV 文件
export-xlsx = Excel 工作簿（XLSX）
export-meetings = 会议
import-title = 导入成员或小组
import-explain = 第一行写明各列名称的 CSV 或 XLSX 文件，与导出的文件格式相同。每一行按电子邮件地址或姓名与现有记录匹配：找到的记录予以更新，否则新增一条记录。写入任何内容之前，您会先看到每一行将如何处理。文件中没有的列保持不变。
import-collection = 文件内容
import-file = 文件
import-file-hint = CSV（UTF-8）或 XLSX。
import-preview = 预览导入
import-preview-title = 导入将进行的操作
import-row = 行
import-action = 操作
import-details = 详情
import-action-new = 新增
import-action-update = 更新
import-action-unchanged = 无变化
import-action-error = 错误
import-changes = 更改：{ $fields }。
import-err-missing-name = 该行没有姓名。
import-err-bad-email = “{ $value }”不是电子邮件地址。
import-err-bad-language = “{ $value }”不是语言代码（例如 en、fr 或 zh-Hans）。
import-err-unknown-kind = “{ $value }”不是小组类型：family、caucus、working-group 或 other。
import-err-unknown-status = “{ $value }”不是状态：active、inactive 或 removed。
import-err-unknown-member = 没有名为“{ $value }”的成员。请先导入成员。
import-err-ambiguous = 有多条记录与“{ $value }”匹配：请填写电子邮件地址以便区分。
import-err-duplicate = 文件中前面的某一行已指向这条记录。
import-has-errors = 只要有一行存在错误，就不会写入任何内容。请更正文件后重新预览。
import-nothing = 该文件不会带来任何更改：主席团已有全部内容。
import-apply = 写入这些行
import-done = 已写入的行数：{ $count }。
import-stopped = 主席团已不再接受其中一行（自预览以来已有更改）。未写入任何内容：请查看下方标出的行，然后重新预览该文件。
import-file-error = 无法读取该文件。{ $message }
import-no-file = 请选择要导入的 CSV 或 XLSX 文件。

nav-documents = 文件
documents-title = 工作文件
documents-explain = 主席团共同起草的文本：章程、声明、提交全体会议的报告。每个人在自己的电脑上编辑、评论和建议措辞；同步时，修改逐词合并。
documents-none = 尚无文件。
document-new = 新建文件
document-create = 创建文件
document-text-hint = 保留换行。
document-bracketed = 此文本是带方括号批注的草稿
document-bracketed-hint = [姓名: 批注] 成为该人的评论，方括号中的问题成为无署名评论，“词 [另一词]”成为以“另一词”替换“词”的建议。方括号将从文本中移除。
document-status-draft = 草稿
document-status-adopted = 已通过
document-updated = 最后修改
document-edit-text = 编辑文本
document-editing = 编辑“{ $title }”
document-editor-explain = 您的修改将与他人在此期间所作的修改合并：他人所写的内容不会丢失，您未修改的内容也不会被改写。
presence-title = 同时打开此文件的人
presence-none = 已连接节点上没有其他人打开此文件。
presence-paragraph = 第 { $number } 段
document-remark-title = 评论或建议措辞
document-select-hint = 在文本中选择词语以填写下方字段，或按原文准确输入。
document-comment-title = 评论
document-comment = 评论内容
document-comment-button = 添加评论
document-quote = 所涉词语
document-quote-not-found = 文本中没有这些词语。请按原文准确输入，或在文本中选择。
document-suggest-title = 建议措辞
document-replacement = 改为
document-replacement-hint = 留空即建议删除这些词语。
document-suggest-button = 提出建议
document-comments = 评论
document-comments-none = 没有未结评论。
document-comment-n = 评论 { $n }
document-unsigned = 无署名
document-words-deleted = 这些词语此后已从文本中删除。
document-reply = 回复内容
document-reply-button = 回复
document-resolve = 结束
document-reopen = 重新打开
document-resolved-count = 已结束的评论：{ $n }
document-suggestions = 建议的措辞
document-suggestions-none = 没有未决建议。
document-decided-count = 已接受或已拒绝：{ $n }
document-suggest-replace = 将“{ $old }”替换为“{ $new }”
document-suggest-insert = 插入“{ $new }”
document-suggest-delete = 删除“{ $old }”
document-suggestion-open = 未决
document-suggestion-accepted = 已接受
document-suggestion-rejected = 已拒绝
document-accept = 接受
document-reject = 拒绝
document-inserted = 插入：
document-deleted = 删除：
document-versions = 版本
document-versions-none = 尚未命名任何版本。
document-version-name = 版本名称
document-version-hint = 例如“已提交全体会议”。名称指文本当前的样子。
document-version-button = 命名此版本
document-compare = 比较版本
document-compare-now = 与当前文本比较
document-compare-title = “{ $title }”的修改
document-compare-button = 比较
document-from = 从
document-to = 至
document-now = 当前文本
document-no-such-version = 没有此名称的版本。
document-no-changes = 两个版本的文本相同。
document-by = 作者：{ $name }
document-details = 标题和状态
document-export = 导出
document-export-md = Markdown，仅文本
document-export-md-comments = Markdown，含评论和建议
document-export-html = 打印页面

## 可打印的日程（/schedule/programme）
programme-title = 会议日程
programme-link = 可打印的日程
programme-as-of = 截至 { $date }
programme-views = 日程的编排方式
programme-by-day = 按日期
programme-by-room = 按会议室
programme-by-group = 按小组
programme-print-hint = 请使用浏览器的“打印”命令（Ctrl+P，Mac 上为 ⌘P）打印本页；导航栏不会打印出来。
programme-time = 时间
programme-none = 没有会议。

## The venue listener: the public programme on phones
field-public = 公开会议
hint-public = 显示在与会者于会场用手机查阅的日程上；非公开会议仅成员可见。
venue-nav = 日程视图
venue-updated = 最后更新于 { $time }
venue-offline = 离线，最后更新于 { $time }
venue-save = 将日程保存为单个文件
venue-all-meetings = 全部会议
venue-by-language = 按语言
venue-no-rooms = 没有会议室。
venue-no-groups = 没有团体。
venue-meetings = 会议
peers-venue-title = 会场日程
peers-venue-explain = 连接同一网络的与会者可在手机上打开此地址查阅公开日程；无需登录，也不显示其他内容。
peers-venue-qr = 会场日程地址的二维码

## 主席团设置 (/settings)
settings-title = 主席团设置
settings-link = 主席团设置
settings-explain = 这些设置适用于整个主席团，同步时会送达每位成员的节点。只有管理员可以更改。
settings-interpretation = 口译标准
settings-source = 规划工具依据这些标准检查每场会议的口译安排。默认值遵循国际会议口译员协会（AIIC）的职业标准。
settings-booth-solo-max-minutes = 一名口译员可单独承担的最长会议时间（分钟）
settings-booth-pair-max-minutes = 两人译员间可承担的最长会议时间，超过则需三人（分钟）
settings-booth-pair-from-languages = 会议语言达到此数量时，每个译员间需要两名口译员
settings-interpreter-daily-minutes = 每名口译员每天在译员间的最长分钟数
settings-hint = 默认值 { $default }；范围 { $min } 至 { $max }。留空即使用默认值。
settings-err-range = 请输入 { $min } 至 { $max } 之间的整数，或留空以使用默认值。
settings-save = 保存设置
settings-admin-only = 只有管理员可以更改这些设置；本设备不是管理员设备。
feeds-title = 日历订阅
feeds-explain = 本电脑上的日历应用可以订阅整个议程、某个会议室、某个团体或某人的会议，并随主席团的每次更改而更新。每个地址都含有自己的密钥：请勿交给他人。
feeds-programme = 整个议程
feeds-off = 日历订阅已关闭。
feeds-off-not-admin = 由主席团的管理员开启。
feeds-turn-on = 开启日历订阅
feeds-rotate = 生成新的订阅地址
feeds-rotate-hint = 迄今发出的所有订阅地址都将失效，主席团的每台电脑一经同步即生效。
feeds-subscribe = 在日历应用中订阅
feeds-download = 下载日历（.ics）
feeds-address = 订阅地址
feeds-address-hint = 将此地址粘贴到日历应用要求输入订阅或网络日历的位置。
feeds-qr = 此订阅地址的二维码
feeds-venue = 在会场的手机上
feeds-venue-hint = 会场网络中的手机可在此订阅，仅含公开会议。
feeds-venue-qr = 会场公开订阅的二维码

## The interpretation planner (/interpretation)
nav-interpretation = 口译
type-interpreter = 口译员
interp-title = 口译安排
interp-days = 安排日期
interp-previous-day = 前一天
interp-next-day = 后一天
interp-sheet = 当日可打印安排表
interp-sheet-title = 口译安排表
interp-caption = { $date }需要口译的会议
interp-none = 当日没有需要口译的会议。
interp-col-time = 时间
interp-col-meeting = 会议
interp-col-booths = 口译箱和口译员
interp-col-findings = 待核查事项
interp-col-day = 日程
interp-col-booth = 口译箱
interp-col-colleagues = 同箱口译员
interp-no-seats = 尚未指派口译员
interp-ok = 无待核查事项
interp-seat = 指派口译员
interp-seat-title = “{ $meeting }”的口译员
interp-booth = 译入语：{ $language }
interp-no-languages = 本会议尚未设定工作语言。请先在会议页面设定其语言。
interp-no-candidates = 尚无译入该语言的口译员。
interp-combination = A：{ $a }；B：{ $b }；C：{ $c }
interp-interpreters = 口译员
interp-no-interpreters = 尚未登记任何口译员。
interp-their-day = 当日日程
interp-day-title = { $name }：{ $date }
interp-day-minutes = 当日在箱时间：{ $minutes } 分钟（每日上限 { $limit } 分钟）。
interp-day-none = 当日没有指派。
interp-available-always = 未说明可工作时间：视为随时可工作。
interp-available-not = 当日不可工作。
interp-available = 当日可工作时间：
interp-all-day = 全天
interp-findings = 待核查事项
interpreter-new = 新口译员
interpreter-create = 登记口译员
field-a-languages = A 语言（母语）
field-b-languages = B 语言（主动语言）
field-c-languages = C 语言（被动语言）
hint-a-languages = 口译员从其所有其他语言译入的语言。
hint-b-languages = 口译员译入的其他语言。
hint-c-languages = 口译员完全理解并从中译出、但不译入的语言。
field-available = 可工作时间
hint-available = 每行一天，例如 2025-11-16 表示全天，2025-11-16 09:00-13:00 表示部分时间。如口译员随时可工作，请留空。
field-team = 小组
field-booth-count = 口译箱数量
hint-booth-count = 本会议室实际设置的口译箱数量。留空则按每种口译箱语言一个计算。
err-availability = “{ $line }”不是 2025-11-16 或 2025-11-16 09:00-13:00 这样的日期。
kind-booths-too-few = 口译箱不足
kind-booth-team-too-small = 口译箱人员不足
kind-interpreter-double-booked = 口译员重复指派
kind-interpreter-unavailable = 口译员不可工作
kind-interpreter-language-mismatch = 口译员语言与口译箱不符
kind-relay-needed = 需要接力传译
kind-interpreter-overloaded = 口译员超出每日上限
finding-booths-too-few = “{ $meeting }”需要 { $needed } 个口译箱，但{ $room }只有 { $count } 个。
finding-booth-team-too-small = “{ $meeting }”的{ $language }口译箱人员不足：已指派 { $size } 人，需要 { $needed } 人。
finding-interpreter-double-booked = { $interpreter }同时被指派到“{ $a }”和“{ $b }”。
finding-interpreter-unavailable = { $interpreter }被指派到“{ $meeting }”，但该时段不可工作。
finding-interpreter-language-mismatch = { $interpreter }被指派到“{ $meeting }”的{ $language }口译箱，但不译入该语言。
finding-relay-needed = 在“{ $meeting }”中，{ $booth }口译箱无人理解{ $floor }：该箱须从{ $from }口译箱接力。
finding-relay-needed-none = 在“{ $meeting }”中，{ $booth }口译箱无人理解{ $floor }，且没有口译箱能够提供接力。
finding-interpreter-overloaded = { $interpreter }在{ $date }被指派在箱 { $minutes } 分钟，超出每日上限 { $limit } 分钟。

# Calendar feeds: the labels inside a meeting's description in a calendar app.
feed-languages = 语文
feed-agenda = 议程
feed-booth = 译员间
