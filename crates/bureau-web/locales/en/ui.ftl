# bureau web UI: English (the reference catalogue; every other language falls back to it).
# Ids are grouped by page. Arguments in { $braces } are filled in by the node.

app-name = bureau
app-description = The coordination bureau's roster, schedule and liaison notes, kept on this laptop and synced with the other members.

## Dates and times (venue time)

date-long = { $weekday } { $day } { $month } { $year }
date-short = { $weekday_short } { $day } { $month_short }
date-time = { $date }, { $time }
# Between the items of a list (a string literal, so that its space is kept).
list-separator = { ", " }
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
weekday-short-1 = Mon
weekday-short-2 = Tue
weekday-short-3 = Wed
weekday-short-4 = Thu
weekday-short-5 = Fri
weekday-short-6 = Sat
weekday-short-7 = Sun
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
month-short-1 = Jan
month-short-2 = Feb
month-short-3 = Mar
month-short-4 = Apr
month-short-5 = May
month-short-6 = Jun
month-short-7 = Jul
month-short-8 = Aug
month-short-9 = Sep
month-short-10 = Oct
month-short-11 = Nov
month-short-12 = Dec
time = Time
venue-time = venue time ({ $zone })
footer-timezone = Times are venue times ({ $zone }). Everything you change is saved on this laptop first and shared with the other members when a connection exists.

## Languages

language-ar = Arabic
language-zh = Chinese
language-en = English
language-fr = French
language-ru = Russian
language-es = Spanish
language-pt = Portuguese
language-de = German
language-it = Italian
language-sw = Swahili
language-label = Language
language-apply = Change

## Chrome

skip-to-content = Skip to content
nav-label = Main
nav-overview = Overview
nav-roster = Roster
nav-schedule = Schedule
nav-liaison = Liaison
nav-conflicts = Conflicts
nav-peers = Peers and devices
live-updated = The page was updated with changes from another device.
sync-off = Sync off
sync-not-running = Peer sync is not running on this node.
sessions-title = Browsers logged in
sessions-explain = A browser stays logged in for 30 days after it opened the login link.
logout-button = Log out
logout-all-button = Log out every browser
logout-all-hint = Every browser logged in to this node, this one too, must open the login link again (bureau status prints it). Scripts that use the api-token are not affected.
sync-loading = Opening the record: showing it as last saved
sync-loading-older = Opening the record: showing an earlier state, the latest changes are still loading
sync-paused = Sync paused
sync-paused-explain = Nothing is exchanged with other devices until you resume.
sync-offline = Offline: changes are saved on this laptop
sync-running = Running
sync-in-sync = { $n ->
    [one] 1 peer · in sync
   *[other] { $n } peers · in sync
}
sync-syncing = { $n ->
    [one] 1 peer · syncing
   *[other] { $n } peers · syncing
}
sync-summary = { $connected ->
    [one] 1 device connected
   *[other] { $connected } devices connected
}, { $in_sync } in sync.
sync-pause = Pause sync
sync-resume = Resume sync
sync-pause-hint = Pausing cuts every connection ("airplane mode"); your changes stay on this laptop.

## Log in and errors

login-title = Log in
login-wrong-title = This login link is not valid
login-how = Open the login link the node printed when it started. To see it again, run this in a terminal:
error-title = Something went wrong
error-not-found = There is no such record or page.
error-not-found-loading = This record is not among those shown yet: it may be one of the latest changes, which are still loading. Reload the page in a moment.
not-found-title = Page not found
not-found-explain = There is no page at this address: it may have been mistyped, or the link may be out of date.
error-observer = This device is an observer: it can read the bureau but not change it.
error-not-member = This device is not a member of the bureau yet; join it with an invite first.
error-disk-full = The disk is full: free some space and try again. Nothing was saved.
error-closed = The node is shutting down.
error-not-saved = The change could not be saved; see the node's log.
error-logout-not-saved = The log-out could not be saved; see the node's log. Browsers may still be logged in after the node restarts.
error-body = The form could not be read.
error-summary = Please correct the following
error-in-field = { $field }: { $message }
error-prefix = Error:
back-to-overview = Back to the overview

## Validation messages

err-required = Fill this in.
err-end-before-start = The meeting must end after it starts.
err-too-long-meeting = A meeting cannot last more than 14 days.
err-datetime = Enter a date and a time.
err-date = Enter a date like 2025-11-16.
err-time = Enter a time like 09:30.
err-email = Enter an e-mail address like name@example.org.
err-too-long = This is too long.
err-single-line = Use a single line.
err-invisible = Remove the invisible or text-direction character from this name.
err-language = Use language codes such as en, fr or zh-Hans.
err-capacity = The capacity must be at most 100000.
err-number = Enter a whole number.
err-unknown-ref = This refers to something that does not exist (any more).
err-address = Enter a peer address like /ip4/192.168.1.20/tcp/4001.
err-choice = Choose one of the options.
err-period = The end of the period must not be before its start.

## Shared words

save = Save changes
cancel = Cancel
archive = Archive
restore = Restore
undo = Undo
archived-mark = archived
record-archived = This record is archived: it is hidden from lists but kept. Restore it to bring it back.
record-findings = Needs attention
record-no-findings = Nothing needs attention.
history-link = History of changes
unknown-person = someone
never = never
show-archived = Show archived
hide-archived = Hide archived
field-required = (required)
updated-by = Last changed by { $name }, { $when }.
findings-count = { $n ->
    [one] 1 finding
   *[other] { $n } findings
}
findings-about = Findings about { $name }
conflicts-count = { $n ->
    [one] 1 conflict to resolve
   *[other] { $n } conflicts to resolve
}

## Pages of a long list

pager-label = { $list }: pages
pager-status = Page { $page } of { $pages }, { $from } to { $to } of { $total }
pager-previous = Previous page
pager-next = Next page
pager-page = Page { $page }

## Notices after a change

done-created = Created.
done-saved = Changes saved.
done-archived = Archived.
done-archived-named = “{ $name }” was archived.
done-restored = Restored.
done-merged = The two members are merged: everything that named the other now names this one.
done-resolved = Conflict resolved: the value you picked is now everyone's.
done-already = That conflict was already resolved, perhaps on another laptop.
done-recorded = The review is recorded and the groups' standing updated.
done-admitted = The group is admitted and the review saved.
done-paused = Sync is paused.
done-resumed = Sync resumed.
done-dialled = Connecting to that address.
done-bundle = The bundle was imported: this node now holds its changes.
done-revoked = The device was revoked; it can no longer sync.
done-role = The device's role was changed.

## Record types and fields

type-member = Member
type-device = Device
type-group = Group
type-review = Review
type-room = Room
type-meeting = Meeting
type-body = Body
type-note = Note
field-name = Name
field-title = Title
field-kind = Kind
field-status = Status
field-date = Date
field-start = Starts
field-end = Ends
field-end-date = Ends on another day
field-room = Room
field-room-id = Room
field-organiser = Organising group
field-languages = Languages
field-languages-other = Other language codes
field-groups = Attending groups
field-members = Attending members
field-attendees = Attendees
field-agenda = Agenda
field-resources = Resources
field-capacity = Seats
field-booths = Interpretation booths
field-equipment = Equipment
field-organisation = Organisation
field-email = E-mail
field-phone = Phone
field-contact = Contact
field-focal-points = Focal points
field-focal-point-of = Focal point of
field-group = Group
field-attention = Needs attention
field-decision = Decision
field-notes = Notes
field-body = Body
field-body-id = Body
field-text = Text
field-content-implications = Content implications
field-plenary-consulted = Plenary consulted
field-description = Description
field-action = Action item
field-owner = Owner
field-due = Due
field-note = Note
field-change = Change
field-from = From
field-to = To
field-role = Role
field-address = Peer address
field-valid-for = Valid for
hint-end-date = Only for a meeting that ends on a later day.
hint-languages = Working languages; with more than one, each needs an interpretation booth.
hint-language-codes = Codes separated by spaces, such as pt or zh-Hans.
hint-booths = Languages with an interpretation booth in this room.
hint-equipment = Separate items with commas.
hint-content-implications = The plenary must be consulted on this matter.
hint-resources = What the meeting needs, such as microphones, a projector or catering, and whether it is confirmed.
hint-address = As another node shows it, e.g. /ip4/192.168.1.20/tcp/4001/p2p/12D3KooW…

## Overview

overview-title = Overview
overview-today = Today's meetings
overview-no-meetings = No meetings today.
overview-open-schedule = Open the schedule
overview-sync = Sync
overview-findings = { $n ->
    [0] Nothing needs attention
    [one] 1 finding needs attention
   *[other] { $n } findings need attention
}
overview-no-findings = No double bookings, missing booths, overdue reviews or actions.
conflicts-none-short = No conflicting edits.
overview-damage-title = Some saved edits cannot be shown yet
overview-damage = { $n ->
    [one] 1 saved change waits for changes that are missing from this computer's files (a damaged or deleted file)
   *[other] { $n } saved changes wait for changes that are missing from this computer's files (a damaged or deleted file)
}: { $files }. Nothing is deleted. Connect to another device of the bureau: it sends what is missing, and this message goes away.

## Findings

kind-room-double-booked = Rooms booked twice
kind-member-double-booked = People expected in two places
kind-interpretation-not-covered = Interpretation not covered
kind-archived-reference = References to archived records
kind-group-without-focal-point = Groups without a focal point
kind-review-overdue = Composition review overdue
kind-group-inactive = No attendance since the last review
kind-plenary-consultation-pending = Plenary consultation pending
kind-action-overdue = Action items overdue
finding-room-double-booked = { $room } is booked twice: “{ $a }” and “{ $b }” overlap.
finding-member-double-booked = { $member } is expected in “{ $a }” and “{ $b }” at the same time.
finding-interpretation-not-covered = “{ $meeting }” needs interpretation in { $languages }, but { $room } has no booth for it.
finding-archived-room = “{ $meeting }” is in { $name }, which is archived.
finding-archived-group = “{ $meeting }” names the group { $name }, which is archived.
finding-unknown-room = “{ $meeting }” is in a room that does not exist.
finding-unknown-group = “{ $meeting }” names a group that does not exist.
finding-group-without-focal-point = { $group } has no active focal point.
finding-review-overdue = A composition review was due on { $date }.
finding-group-inactive = { $group } has attended no meeting since the review of { $date }.
finding-group-inactive-created = { $group } has attended no meeting since it was created on { $date }.
finding-group-inactive-active-again = { $group } has attended no meeting since it became active again on { $date }.
finding-plenary-consultation-pending = “{ $note }” has content implications and the plenary has not been consulted yet.
finding-action-overdue = “{ $action }” ({ $owner }) was due on { $date }.
finding-action-overdue-note = An action item of “{ $note }” is overdue.

## Roster

roster-title = Roster
groups-title = Groups
members-title = Members
group-new = Add a group
group-create = Add the group
member-new = Add a member
member-create = Add the member
group-status-history = Standing over time
group-kind-family = Family
group-kind-caucus = Caucus
group-kind-working-group = Working group
group-kind-other = Other grouping
group-kind-plural-family = Families
group-kind-plural-caucus = Caucuses
group-kind-plural-working-group = Working groups
group-kind-plural-other = Other groupings
group-status-active = Active
group-status-inactive = Inactive
group-status-removed = Removed
status-event-active = Active
status-event-inactive = Marked inactive
status-event-removed = Removed
status-event-returned = Returned
review-title = Composition review
review-of = Review of { $date }
review-last = Last recorded review:
review-none = No review has been recorded yet.
review-next-due = Next review due by { $date }.
review-overdue = Overdue
review-inactive-groups = { $n ->
    [0] Every active group has attended a meeting since.
    [one] 1 active group has attended no meeting since.
   *[other] { $n } active groups have attended no meeting since.
}
review-continue = Continue the review of { $date }
review-date = Date of the review
review-start = Start a review
review-open = Open: decisions can still change
review-recorded = Recorded
review-since = Attendance is counted since the review of { $date }.
review-see-last = See that review
review-first = This is the first review: no attendance is counted yet.
review-quiet-groups = No attendance since the last review
review-no-quiet-groups = Every active group has attended a meeting since the last review.
review-other-groups = Other groups
review-last-attended = last attended { $date }
review-never-attended = no attendance recorded
review-decisions = Decisions
review-save = Save the draft
review-record = Record the review
review-record-hint = Recording applies the decisions: groups are marked inactive, removed or returned, and the change shows in their history.
decision-keep = Keep
decision-inactive = Inactive
decision-remove = Remove
decision-return = Return
review-decision-admit = Admit
review-admitted = Admitted
review-new-groups = New groups
review-new-groups-hint = These groups joined since the last review. Keep them by admitting them, or remove them.
review-admit-title = Admit a new group
review-admit-hint = The group joins the roster at once; this review records that it admitted it.
review-admit = Admit the group
review-err-return-active = Only an inactive or removed group can return; this one is active.
field-admit-name = Name of the new group
field-admit-kind = Its kind
field-admit-focal-points = Its focal points

## Schedule

schedule-title = Schedule
schedule-days = Days
schedule-view = View
view-timetable = Timetable
view-list = List
day-previous = Previous day
day-next = Next day
timetable-caption = Meetings on { $date }, by room
schedule-no-meetings = No meetings on this day.
schedule-day-findings = Findings for this day
schedule-no-findings = No clashes or missing booths on this day.
rooms-title = Rooms
room-new = Add a room
room-create = Add the room
room-option = { $name } ({ $capacity } seats; booths: { $booths })
no-booths = none
no-room = No room yet
no-organiser = None
meeting-new = New meeting
meeting-create = Create the meeting
meeting-findings = Findings for this meeting
meeting-no-findings = No clashes for this meeting.
meeting-as-saved = As saved
meeting-now = now
meeting-status-proposed = Proposed
meeting-status-confirmed = Confirmed
meeting-status-cancelled = Cancelled
meeting-kind-bureau = Bureau
meeting-kind-plenary = Plenary
meeting-kind-caucus = Caucus
meeting-kind-working-group = Working group
meeting-kind-family = Family
meeting-kind-liaison = Liaison
meeting-kind-briefing = Briefing
meeting-kind-other = Other
resource-name = Resource
resource-new = Add a resource
resource-new-state = Requested or confirmed
resource-remove = Remove
resource-remove-named = Remove { $name }
resource-state-requested = Requested
resource-state-confirmed = Confirmed
resource-with-state = { $name } ({ $state })
attendees-count = { $groups ->
    [one] 1 group
   *[other] { $groups } groups
}, { $members ->
    [one] 1 person
   *[other] { $members } people
}

## Liaison

liaison-title = Liaison
bodies-title = Bodies
bodies-all = All bodies
body-new = Add a body
body-create = Add the body
body-edit = Edit this body
notes-all = All notes
notes-none = No notes yet.
note-new = New note
note-create = Create the note
note-content-implications = Content implications
note-plenary-consulted = Plenary consulted
note-consultation-pending = Consultation pending
actions-title = Action items
actions-none = No action items.
action-add = Add an action item
action-add-button = Add the action item
action-done = Done
action-open = Open
action-overdue = Overdue
action-due = due { $date }
action-mark-done = Mark done
action-mark-done-named = Mark done: “{ $action }”
action-reopen = Reopen
action-reopen-named = Reopen: “{ $action }”
action-remove = Remove
action-remove-named = Remove: “{ $action }”
no-owner = Nobody yet
report-link = Report for the plenary
report-title = Report to the plenary on logistical matters
report-period = { $bureau }, from { $from } to { $to }.
report-show = Show the period
report-print = Print
report-notes = Liaison notes of the period
report-consultation = Matters needing plenary consultation
report-actions = Action items
report-meetings = Meetings
report-logistics = Rooms and interpretation
report-none = None.
report-no-issues = No double bookings or missing interpretation booths.

## Conflicts and history

conflicts-title = Conflicts
conflicts-explain = These fields were changed on two laptops at the same time. Both values are kept until someone picks one; the pick is shared with everyone.
conflicts-none = No conflicts. Fields edited at the same time on two laptops show up here.
conflict-by = by { $name }
conflict-shown = shown now
conflict-keep = Keep this value
conflict-pick = Pick one of the values.
conflict-mark = This field was changed on two laptops at the same time. Both values are kept until someone picks one:
conflict-marks-summary = Some fields of this record were changed on two laptops at the same time. Their values are shown beside them: keep the right one and everyone will see it.
conflict-marks-all = See all conflicts
value-empty = (empty)
value-yes = yes
value-no = no
history-title = History of { $name }
history-caption = { $n ->
    [one] 1 change, newest first
   *[other] { $n } changes, newest first
}
history-when = When
history-who = Who
history-what = What
history-fields = What changed
history-verb-create = Created
history-verb-update = Changed
history-verb-archive = Archived
history-verb-restore = Restored
history-verb-resolve = Conflict resolved
history-verb-add = Added
history-verb-revoke = Revoked
history-verb-migrate = Upgraded
history-verb-import = Imported
history-doc-edit-text = Edited the text
history-doc-comment = Commented
history-doc-reply = Replied to a comment
history-doc-resolve-comment = Resolved a comment
history-doc-reopen-comment = Reopened a comment
history-doc-suggest = Suggested wording
history-doc-accept = Accepted a suggestion
history-doc-reject = Rejected a suggestion
history-doc-name-version = Named a version
history-doc-tidy = Removed wording accepted twice
field-versions = Versions
field-comments = Comments
field-suggestions = Suggested wording
history-became = changed to
history-added = added:
history-removed = removed:
history-spacing = Only spaces or line breaks changed.
field-archived = Archived
field-decisions = Decisions
field-actions = Action items

## Peers and devices

peers-page-title = Peers and devices
peers-open = See peers and devices
peers-this-device = This device
peers-peer-id = Peer id
peers-listening = Listening on
peers-sync = Sync
peers-title = Peers
peers-none = No other node has been seen yet. Add one by address, or invite a new device.
peers-device = Device
peers-member = Member
peers-connection = Connection
peers-last-sync = Last sync
peers-address = Address
peers-unknown-device = Unknown device
peer-connected = Connected
peer-offline = Offline
peer-in-sync = In sync
peer-syncing = Syncing
bundle-title = Carry changes on a file
bundle-explain = A bundle holds the bureau's changes, sealed so that only the bureau's devices can open it and signed by this laptop. Carry it on a USB stick, by e-mail or in a chat to a laptop that cannot reach this one, and import it there. Importing a bundle twice does no harm.
bundle-download = Download a bundle of every change
bundle-file = Bundle file
bundle-import-button = Import the bundle
bundle-no-file = Choose a bundle file to import.
bundle-refused = The bundle was refused: { $message }
dial-title = Add a peer by address
dial-button = Connect
invite-title = Invite a device
invite-button = Make an invite code
invite-hours = { $n ->
    [one] 1 hour
    [24] 1 day
    [168] 1 week
   *[other] { $n } hours
}
invite-ready = Invite code ready
invite-explain = This code lets one new device join as { $role }, until { $until }. Share it privately: read it out, paste it in a chat, or show the QR code.
invite-join-hint = On the new laptop, run:
invite-qr = QR code of the invite
invite-code = Code to type:
invite-code-hint = Read it out or send it. On the same network the new laptop finds this one by the number; the two words are the password. Three wrong tries burn the invite.
invite-link = Invite link
invite-link-hint = For a laptop that cannot find this one by the number (on another network, or on a Wi-Fi that keeps laptops apart): the link holds this node's addresses. The QR code holds the same link.
invites-title = Invites made here
invites-until = Valid until
invites-state = State
invites-open = Open, code
invites-wrong = { $n ->
    [one] (one wrong guess)
   *[other] ({ $n } wrong guesses)
}
invites-burned = { $n ->
    [one] Burned after one wrong guess of its code
   *[other] Burned after { $n } wrong guesses of its code
}
invites-used = Used
invites-expired = Expired
board-title = Who has the latest
board-explain = Each member's devices, and whether each holds every change this laptop holds: known from its last sync with this laptop, or from another laptop that synced with it (the hub, say). Use it to answer "has everybody got the new schedule?".
board-summary = Other devices that have everything this laptop has: { $n } of { $total }.
board-none = No other device yet.
board-member = Member
board-device = Device
board-state = Has the latest?
board-when = As of
board-no-device = No device
board-this = this laptop
board-this-has = This laptop
board-current = Has everything
board-behind = { $n ->
    [one] Missing one change
   *[other] Missing { $n } changes
}
board-unknown = Not known
board-via = (through { $name })
doctor-title = Why this laptop may not be syncing
doctor-ok = Nothing that this laptop can see stands in the way of syncing.
doctor-paused = Sync is paused on this laptop.
doctor-paused-next = Resume it on this page.
doctor-no-address = This laptop has no network address other than itself, so no other laptop can reach it.
doctor-no-address-next = Connect it to a Wi-Fi network or a cable.
doctor-no-multicast = This laptop has no route for multicast, so it cannot find other laptops on the network by itself.
doctor-no-multicast-next = Connect it to a network with a router, add a member's address by hand, or use the bureau's hub.
doctor-mdns-silent = This laptop looks for others on the network but has heard none: this Wi-Fi may block multicast, or keep laptops apart.
doctor-mdns-silent-next = Use the bureau's hub, carry changes on a USB stick as a bundle (this page), or add a member's address by hand on this page.
doctor-unreachable = { $name } cannot be reached: { $errors }.
doctor-unreachable-next = Check that its node is running and on a network this laptop can reach; its peers page shows its address.
doctor-address = Nothing answers at { $addr }: { $error }.
doctor-address-next = Check the address on the other laptop's peers page, and that its node is running.
doctor-refused-revoked = { $name } tried to sync, but its device was revoked, so this laptop refuses it.
doctor-refused-stranger = A node that is not a device of this bureau ({ $name }) tried to sync and was refused.
doctor-refused-next = Nothing to do if that is expected; an admin can invite the device again.
doctor-this-revoked = This laptop's device was revoked: the other members' laptops refuse to sync with it.
doctor-this-revoked-next = Ask an admin for a new invite, and join with it.
doctor-clock-ahead = The clock of { $name } is { $minutes } minutes ahead of this laptop's: the times on records each of you writes will look wrong to the other.
doctor-clock-behind = The clock of { $name } is { $minutes } minutes behind this laptop's: the times on records each of you writes will look wrong to the other.
doctor-clock-next = Set both clocks right: automatic time from the network, and the right time zone.
doctor-incompatible = { $name } runs a release of bureau that this laptop cannot sync with: it refused { $protocol }.
doctor-incompatible-next = Install the same release of bureau on both laptops.
join-title = Join another bureau
join-offer = This laptop has not been used for anything yet. If you were invited to a bureau, join it here: this node's empty bureau is set aside.
join-explain = Type the code the inviting member gave you, or paste the invite's link. This node's own bureau, which nobody has used yet, is set aside (nothing is deleted) and the node starts again on the bureau you join.
join-code = Invite code or link
join-code-hint = Like 7-orbit-lantern, or a link that starts with bureau1-.
join-name = Your name
join-name-hint = As the other members will see it. Leave it empty if the invite was made for you as a member (another laptop of yours).
join-peer = Inviting laptop's address
join-peer-hint = Only if this laptop cannot find the inviting one on the network: the address from its peers page, like /ip4/203.0.113.7/tcp/4001.
join-button = Join
join-touched = This node's bureau already has edits, so it is not set aside from here. To join another bureau on this laptop, use another data directory from a terminal:
join-done = Joined
join-done-explain = You joined as { $name }. The node starts again with the new bureau, which arrives from the inviting laptop; this page opens the overview in a moment.
join-open = Open the overview
member-merge-title = Same person as another member?
member-merge-hint = If this member and another are one person (a laptop that joined under a new name, say), merge them: everything that names this member moves to the other, and this one is archived.
member-merge-into = Merge into
member-merge-button = Merge
devices-title = Devices of the bureau
devices-added = Added
devices-this = this device
device-revoked = Revoked
device-active = Active
device-revoke = Revoke
device-revoke-named = Revoke: { $name }
device-revoke-self = This node cannot revoke its own device: another member's node must do it.
role-editor = editor
role-observer = observer
role-admin = admin
role-relay = relay (hub)
invite-member = Who joins
invite-member-hint = A new person gives their name when joining; a device of someone already in the bureau joins as that member.
invite-member-new = A new person
invite-member-own-only = Only an admin can invite a device for another member; you can invite new people and devices of your own.
invite-admin-only = Only an admin can invite an admin device.
invite-observer = This device cannot invite: only an editor's or an admin's device can.
invite-explain-member = This code lets one new device of { $name } join as { $role }, until { $until }. Share it privately: read it out, paste it in a chat, or show the QR code.
device-role-named = Role of { $name }
device-role-change = Change
device-admin-only = Only an admin can revoke devices or change roles.
device-last-admin = This is the bureau's last admin device: make another device admin first, so the bureau keeps one.

# A field the user and a peer both changed while the form was open.
contest-summary = Someone else changed this record while you were editing it. Where you both changed a field, its other value is shown beside it: choose which to keep. Nothing has been saved yet.
contest-changed-meanwhile = { $name } changed this meanwhile to:
contest-keep-mine = Keep mine (as in the field)
contest-keep-theirs = Keep theirs
contest-removed = (removed)
contest-empty = (empty)
err-contest-choose = Choose which value to keep.
error-form-heads = This form was opened on a version of the record this node does not have. Open the record again and redo your changes.
yes = Yes
no = No

# Finding things: the search box, the schedule's filters, agendas and pickers.
search-label = Search the bureau
search-button = Search
search-title = Search
search-title-for = Search: { $q }
search-words = Words to find
search-hint = Finds members, groups, rooms, meetings, liaison bodies and notes by their names, titles and text. Capitals and accents do not matter, and the start of a word is enough: “gen” finds “Genève”.
search-too-long = Type at most { $n } characters.
search-too-many-words = Type at most { $n } words.
search-results = { $n ->
    [0] No results
    [one] 1 result
   *[other] { $n } results
}
search-results-list = Search results
search-nothing = Nothing matches all of these words. Try fewer words, or the start of a name.
filter-title = Show only some meetings
filter-group = Group
filter-member = Member
filter-language = Language
filter-any-room = Any room
filter-any-group = Any group
filter-any-member = Anyone
filter-any-language = Any language
filter-apply = Show
filter-clear = Show every meeting
agenda-title = My agenda
agenda-meetings = Meetings
agenda-upcoming = Coming up
agenda-past = Past
agenda-none = None.
agenda-in-person = in person
agenda-through = with { $group }
agenda-lead = Meetings of { $name }: those you attend in person, and those of the groups you are a focal point of.
agenda-groups = You are a focal point of { $groups }.
agenda-no-groups = You are not a focal point of any group.
agenda-member-page = Your entry in the roster
agenda-no-member = This device does not belong to a member of the bureau yet, so it has no agenda. Once it has joined, its member's meetings are listed here.
room-meetings = Meetings in this room
group-meetings = Meetings of this group
picker-filter = Show only names with
picker-none = No name matches. Ticked names stay ticked.
picker-ticked = { $n ->
    [one] 1 chosen, listed first
   *[other] { $n } chosen, listed first
}

## Documents

type-document = Document

## Spreadsheets: export and import (/roster/spreadsheets)
spreadsheets-title = Spreadsheets
spreadsheets-link = Spreadsheets
export-title = Export
export-explain = The lists as files for spreadsheet programs, without archived records. CSV files keep accents and every script; a cell that a spreadsheet would run as a formula is written as plain text.
export-list = List
export-csv = CSV file
export-xlsx = Excel workbook (XLSX)
export-meetings = Meetings
import-title = Import members or groups
import-explain = A CSV or XLSX file whose first row names its columns, as an exported file does. Each row is matched to a record by e-mail address or name: a match is updated, anything else is added. You see what each row would do before anything is written. Columns the file leaves out stay as they are.
import-collection = The file lists
import-file = File
import-file-hint = CSV (UTF-8) or XLSX.
import-preview = Preview the import
import-preview-title = What the import would do
import-row = Row
import-action = Action
import-details = Details
import-action-new = New
import-action-update = Update
import-action-unchanged = No change
import-action-error = Error
import-changes = Changes { $fields }.
import-err-missing-name = The row has no name.
import-err-bad-email = “{ $value }” is not an e-mail address.
import-err-bad-language = “{ $value }” is not a language code such as en, fr or zh-Hans.
import-err-unknown-kind = “{ $value }” is not a kind of group: family, caucus, working-group or other.
import-err-unknown-status = “{ $value }” is not a standing: active, inactive or removed.
import-err-unknown-member = No member is called “{ $value }”. Import the members first.
import-err-ambiguous = Several records match “{ $value }”: give an e-mail address to tell them apart.
import-err-duplicate = An earlier row of the file already names this record.
import-has-errors = Nothing is written while a row has an error. Correct the file and preview it again.
import-nothing = The file changes nothing: the bureau already says all of it.
import-apply = Write these rows
import-done = Rows written: { $count }.
import-stopped = The bureau no longer accepts a row (it changed since the preview). Nothing was written: look at the row marked below, then preview the file again.
import-file-error = The file could not be read. { $message }
import-no-file = Choose a CSV or XLSX file to import.

nav-documents = Documents
documents-title = Documents
documents-explain = Texts the bureau drafts together, such as the charter, statements and the report to the plenary. Everyone edits, comments and suggests wording on their own laptop; the changes merge word by word when the laptops sync.
documents-none = No document yet.
document-new = New document
document-create = Create the document
document-text-hint = Line breaks are kept.
document-bracketed = The text is a draft with remarks in brackets
document-bracketed-hint = [Name: remark] becomes a comment by Name, a question in brackets a comment without a name, and “word [other]” a suggestion to write “other” instead of “word”. The brackets leave the text.
document-status-draft = Draft
document-status-adopted = Adopted
document-updated = Last changed
document-edit-text = Edit the text
document-editing = Editing “{ $title }”
document-editor-explain = Your changes are merged with the changes others make meanwhile: nothing they write is lost, and nothing you did not change is written.
presence-title = Also in this document
presence-none = No one else on a connected node has this document open.
presence-paragraph = paragraph { $number }
document-remark-title = Comment or suggest wording
document-select-hint = Select words in the text to fill in the words below, or type them exactly as they are written.
document-comment-title = Comment
document-comment = Comment
document-comment-button = Add the comment
document-quote = The words
document-quote-not-found = These words are not in the text. Type them exactly as they are written, or select them in the text.
document-suggest-title = Suggest wording
document-replacement = Instead write
document-replacement-hint = Leave empty to suggest deleting the words.
document-suggest-button = Suggest
document-comments = Comments
document-comments-none = No open comment.
document-comment-n = Comment { $n }
document-unsigned = Unsigned
document-words-deleted = These words have since been deleted from the text.
document-reply = Reply
document-reply-button = Reply
document-resolve = Resolve
document-reopen = Reopen
document-resolved-count = Resolved comments: { $n }
document-suggestions = Suggested wording
document-suggestions-none = No open suggestion.
document-decided-count = Accepted or rejected: { $n }
document-suggest-replace = Replace “{ $old }” with “{ $new }”
document-suggest-insert = Insert “{ $new }”
document-suggest-delete = Delete “{ $old }”
document-suggestion-open = Open
document-suggestion-accepted = Accepted
document-suggestion-rejected = Rejected
document-accept = Accept
document-reject = Reject
document-inserted = Inserted:
document-deleted = Deleted:
document-versions = Versions
document-versions-none = No version has been named yet.
document-version-name = Name of the version
document-version-hint = For example “sent to the plenary”. It names the text as it is now.
document-version-button = Name this version
document-compare = Compare versions
document-compare-now = compare with now
document-compare-title = Changes to “{ $title }”
document-compare-button = Compare
document-from = From
document-to = To
document-now = Now
document-no-such-version = No version has this name.
document-no-changes = The text is the same in both.
document-by = by { $name }
document-details = Title and status
document-export = Export
document-export-md = Markdown, the text alone
document-export-md-comments = Markdown with comments and suggestions
document-export-html = Page to print

## The printable programme (/schedule/programme)
programme-title = Programme
programme-link = Printable programme
programme-as-of = As of { $date }
programme-views = Arrange the programme
programme-by-day = By day
programme-by-room = By room
programme-by-group = By group
programme-print-hint = Print this page with your browser's Print command (Ctrl+P, or ⌘P on a Mac); the navigation is left out of the paper.
programme-time = Time
programme-none = No meetings.

## The venue listener: the public programme on phones
field-public = Open to the public
hint-public = Shown on the programme that participants at the venue read on their phones; a closed meeting is shown to members only.
venue-nav = Programme views
venue-updated = Last updated at { $time }
venue-offline = Offline, last updated at { $time }
venue-save = Save the programme as a single file
venue-all-meetings = All meetings
venue-by-language = By language
venue-no-rooms = No rooms.
venue-no-groups = No groups.
venue-meetings = Meetings
peers-venue-title = Programme for the venue
peers-venue-explain = Participants on the same network open this address on their phone to read the public programme; no login is needed and nothing else is shown.
peers-venue-qr = QR code of the venue programme's address

## Bureau settings (/settings)
settings-title = Bureau settings
settings-link = Bureau settings
settings-explain = These settings apply to the whole bureau and reach every member's node when it syncs. Only an admin can change them.
settings-interpretation = Interpretation norms
settings-source = The planner checks each meeting's interpretation against these norms. The defaults follow the professional standards of AIIC, the International Association of Conference Interpreters.
settings-booth-solo-max-minutes = Longest meeting one interpreter may cover alone (minutes)
settings-booth-pair-max-minutes = Longest meeting a booth of two may cover; beyond it, three (minutes)
settings-booth-pair-from-languages = Number of meeting languages from which every booth needs two interpreters
settings-interpreter-daily-minutes = Most minutes in a booth for one interpreter in a day
settings-hint = Default { $default }; from { $min } to { $max }. Leave empty for the default.
settings-err-range = Enter a whole number from { $min } to { $max }, or leave the field empty for the default.
settings-save = Save settings
settings-admin-only = Only an admin can change these settings; this device is not an admin device.
feeds-title = Calendar feeds
feeds-explain = A calendar app on this computer can subscribe to the whole programme, a room, a group or a person's meetings, and follows every change the bureau makes. Each address holds a key of its own: give it to no one.
feeds-programme = The whole programme
feeds-off = Calendar feeds are off.
feeds-off-not-admin = An admin of the bureau turns them on.
feeds-turn-on = Turn on calendar feeds
feeds-rotate = Make new feed addresses
feeds-rotate-hint = Every feed address given out so far stops working, on every laptop of the bureau, as soon as it syncs.
feeds-subscribe = Subscribe in a calendar app
feeds-download = Download the calendar (.ics)
feeds-address = Feed address
feeds-address-hint = Paste this address where your calendar app asks for a calendar subscription or an internet calendar.
feeds-qr = QR code of this feed's address
feeds-venue = On a phone at the venue
feeds-venue-hint = Phones on the venue's network subscribe here to the public meetings only.
feeds-venue-qr = QR code of the public feed at the venue

## The interpretation planner (/interpretation)
nav-interpretation = Interpretation
type-interpreter = Interpreter
interp-title = Interpretation plan
interp-days = Days of the plan
interp-previous-day = Previous day
interp-next-day = Next day
interp-sheet = Printable sheet of the day
interp-sheet-title = Interpretation sheet
interp-caption = Meetings with interpretation on { $date }
interp-none = No meeting on this day needs interpretation.
interp-col-time = Time
interp-col-meeting = Meeting
interp-col-booths = Booths and interpreters
interp-col-findings = To check
interp-col-day = Day
interp-col-booth = Booth
interp-col-colleagues = With
interp-no-seats = No interpreter assigned
interp-ok = Nothing to report
interp-seat = Assign interpreters
interp-seat-title = Interpreters for “{ $meeting }”
interp-booth = Booth into { $language }
interp-no-languages = This meeting has no languages yet. Add its languages on the meeting's page first.
interp-no-candidates = No interpreter works into this language yet.
interp-combination = A: { $a }; B: { $b }; C: { $c }
interp-interpreters = Interpreters
interp-no-interpreters = No interpreters recorded yet.
interp-their-day = Day programme
interp-day-title = { $name }: { $date }
interp-day-minutes = In the booth this day: { $minutes } min (daily limit { $limit } min).
interp-day-none = No assignment on this day.
interp-available-always = Availability not stated: taken as available at any time.
interp-available-not = Not available on this day.
interp-available = Available on this day:
interp-all-day = all day
interp-findings = Points to check
interpreter-new = New interpreter
interpreter-create = Record interpreter
field-a-languages = A languages (mother tongue)
field-b-languages = B languages (active)
field-c-languages = C languages (passive)
hint-a-languages = Languages the interpreter works into from all their other languages.
hint-b-languages = Other languages the interpreter works into.
hint-c-languages = Languages the interpreter understands fully and works from, never into.
field-available = Availability
hint-available = One day per line, such as 2025-11-16 for the whole day or 2025-11-16 09:00-13:00 for part of it. Leave empty if the interpreter is available at any time.
field-team = Team
field-booth-count = Number of booths
hint-booth-count = The physical interpretation booths in this room. Left empty, one per booth language.
err-availability = “{ $line }” is not a day such as 2025-11-16 or 2025-11-16 09:00-13:00.
kind-booths-too-few = Too few booths
kind-booth-team-too-small = Booth teams below strength
kind-interpreter-double-booked = Interpreters assigned twice
kind-interpreter-unavailable = Interpreters not available
kind-interpreter-language-mismatch = Interpreters in the wrong booth
kind-relay-needed = Relay required
kind-interpreter-overloaded = Interpreters over the daily limit
finding-booths-too-few = “{ $meeting }” requires { $needed } booths, but { $room } has { $count }.
finding-booth-team-too-small = The booth into { $language } for “{ $meeting }” is below strength: { $size } assigned, { $needed } required.
finding-interpreter-double-booked = { $interpreter } is assigned to “{ $a }” and “{ $b }” at the same time.
finding-interpreter-unavailable = { $interpreter } is assigned to “{ $meeting }” but is not available at that time.
finding-interpreter-language-mismatch = { $interpreter } is assigned to the booth into { $language } for “{ $meeting }” but does not work into that language.
finding-relay-needed = In “{ $meeting }”, no one in the booth into { $booth } understands { $floor }: that booth takes relay from the booth into { $from }.
finding-relay-needed-none = In “{ $meeting }”, no one in the booth into { $booth } understands { $floor }, and no booth can provide relay.
finding-interpreter-overloaded = { $interpreter } is assigned { $minutes } min in the booth on { $date }, above the daily limit of { $limit } min.

# Calendar feeds: the labels inside a meeting's description in a calendar app.
feed-languages = Languages
feed-agenda = Agenda
feed-booth = Booth
