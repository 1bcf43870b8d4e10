# bureau, interface web : français (complet ; mêmes identifiants que l'anglais).

app-name = bureau
app-description = La composition, le calendrier et les notes de liaison du bureau de coordination, gardés sur cet ordinateur et synchronisés avec les autres membres.

## Dates et heures (heure du lieu)

# The first of the month is written « 1er ».
date-long = { $weekday } { $day ->
        [1] 1er
       *[other] { $day }
    } { $month } { $year }
date-short = { $weekday_short } { $day ->
        [1] 1er
       *[other] { $day }
    } { $month_short }
date-time = { $date }, { $time }
# Between the items of a list (a string literal, so that its space is kept).
list-separator = { ", " }
weekday-1 = lundi
weekday-2 = mardi
weekday-3 = mercredi
weekday-4 = jeudi
weekday-5 = vendredi
weekday-6 = samedi
weekday-7 = dimanche
weekday-short-1 = lun.
weekday-short-2 = mar.
weekday-short-3 = mer.
weekday-short-4 = jeu.
weekday-short-5 = ven.
weekday-short-6 = sam.
weekday-short-7 = dim.
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre
month-short-1 = janv.
month-short-2 = févr.
month-short-3 = mars
month-short-4 = avr.
month-short-5 = mai
month-short-6 = juin
month-short-7 = juil.
month-short-8 = août
month-short-9 = sept.
month-short-10 = oct.
month-short-11 = nov.
month-short-12 = déc.
time = Heure
venue-time = heure du lieu ({ $zone })
footer-timezone = Les heures sont celles du lieu ({ $zone }). Chaque modification est d'abord enregistrée sur cet ordinateur, puis partagée avec les autres membres dès qu'une connexion existe.

## Langues

language-ar = arabe
language-zh = chinois
language-en = anglais
language-fr = français
language-ru = russe
language-es = espagnol
language-pt = portugais
language-de = allemand
language-it = italien
language-sw = swahili
language-label = Langue
language-apply = Changer

## Cadre

skip-to-content = Aller au contenu
nav-label = Principal
nav-overview = Vue d'ensemble
nav-roster = Composition
nav-schedule = Calendrier
nav-liaison = Liaison
nav-conflicts = Conflits
nav-peers = Pairs et appareils
live-updated = La page a été mise à jour avec des modifications venues d'un autre appareil.
sync-off = Synchronisation désactivée
sync-not-running = La synchronisation entre pairs ne fonctionne pas sur ce nœud.
sessions-title = Navigateurs connectés
sessions-explain = Un navigateur reste connecté 30 jours après avoir ouvert le lien de connexion.
logout-button = Se déconnecter
logout-all-button = Déconnecter tous les navigateurs
logout-all-hint = Tous les navigateurs connectés à ce nœud, celui-ci compris, devront ouvrir à nouveau le lien de connexion (bureau status l'affiche). Les scripts qui utilisent l'api-token ne sont pas concernés.
sync-loading = Ouverture du registre : affiché tel qu'enregistré en dernier
sync-loading-older = Ouverture du registre : affiché dans un état antérieur, les dernières modifications sont en cours de chargement
sync-paused = Synchronisation en pause
sync-paused-explain = Rien n'est échangé avec les autres appareils jusqu'à la reprise.
sync-offline = Hors ligne : les modifications sont enregistrées sur cet ordinateur
sync-running = Active
sync-in-sync = { $n ->
    [one] 1 pair · à jour
   *[other] { $n } pairs · à jour
}
sync-syncing = { $n ->
    [one] 1 pair · synchronisation
   *[other] { $n } pairs · synchronisation
}
sync-summary = { $connected ->
    [one] 1 appareil connecté
   *[other] { $connected } appareils connectés
}, { $in_sync } à jour.
sync-pause = Mettre la synchronisation en pause
sync-resume = Reprendre la synchronisation
sync-pause-hint = La pause coupe toutes les connexions (« mode avion ») ; vos modifications restent sur cet ordinateur.

## Connexion et erreurs

login-title = Se connecter
login-wrong-title = Ce lien de connexion n'est pas valide
login-how = Ouvrez le lien de connexion que le nœud a affiché au démarrage. Pour le revoir, lancez dans un terminal :
error-title = Un problème est survenu
error-not-found = Cet enregistrement ou cette page n'existe pas.
error-not-found-loading = Cet enregistrement n'est pas encore parmi ceux affichés : il fait peut-être partie des dernières modifications, en cours de chargement. Rechargez la page dans un instant.
not-found-title = Page introuvable
not-found-explain = Il n'y a pas de page à cette adresse : elle a peut-être été mal saisie, ou le lien est périmé.
error-observer = Cet appareil est observateur : il peut lire le bureau mais pas le modifier.
error-not-member = Cet appareil n'est pas encore membre du bureau ; rejoignez-le d'abord avec une invitation.
error-disk-full = Le disque est plein : libérez de la place et réessayez. Rien n'a été enregistré.
error-closed = Le nœud s'arrête.
error-not-saved = La modification n'a pas pu être enregistrée ; voir le journal du nœud.
error-logout-not-saved = La déconnexion n'a pas pu être enregistrée ; voir le journal du nœud. Des navigateurs pourraient rester connectés après un redémarrage du nœud.
error-body = Le formulaire n'a pas pu être lu.
error-summary = Veuillez corriger ce qui suit
error-in-field = { $field } : { $message }
error-prefix = Erreur :
back-to-overview = Retour à la vue d'ensemble

## Messages de validation

err-required = Veuillez remplir ce champ.
err-end-before-start = La réunion doit se terminer après son début.
err-too-long-meeting = Une réunion ne peut pas durer plus de 14 jours.
err-datetime = Indiquez une date et une heure.
err-date = Indiquez une date comme 2025-11-16.
err-time = Indiquez une heure comme 09:30.
err-email = Indiquez une adresse électronique comme nom@example.org.
err-too-long = C'est trop long.
err-single-line = Utilisez une seule ligne.
err-invisible = Retirez de ce nom le caractère invisible ou de direction du texte.
err-language = Utilisez des codes de langue comme en, fr ou zh-Hans.
err-capacity = La capacité ne peut pas dépasser 100000.
err-number = Indiquez un nombre entier.
err-unknown-ref = Ceci renvoie à quelque chose qui n'existe pas (ou plus).
err-address = Indiquez une adresse de pair comme /ip4/192.168.1.20/tcp/4001.
err-choice = Choisissez une des options.
err-period = La fin de la période ne peut pas précéder son début.

## Mots communs

save = Enregistrer
cancel = Annuler
archive = Archiver
restore = Restaurer
undo = Annuler l'archivage
archived-mark = archivé
record-archived = Cet enregistrement est archivé : il est masqué des listes mais conservé. Restaurez-le pour le faire revenir.
record-findings = À traiter
record-no-findings = Rien à traiter.
history-link = Historique des modifications
unknown-person = quelqu'un
never = jamais
show-archived = Afficher les archivés
hide-archived = Masquer les archivés
field-required = (obligatoire)
updated-by = Modifié en dernier par { $name }, { $when }.
findings-count = { $n ->
    [one] 1 signalement
   *[other] { $n } signalements
}
findings-about = Signalements concernant { $name }
conflicts-count = { $n ->
    [one] 1 conflit à résoudre
   *[other] { $n } conflits à résoudre
}

## Pages d'une longue liste

pager-label = { $list } : pages
pager-status = Page { $page } sur { $pages }, { $from } à { $to } sur { $total }
pager-previous = Page précédente
pager-next = Page suivante
pager-page = Page { $page }

## Avis après une modification

done-created = Créé.
done-saved = Modifications enregistrées.
done-archived = Archivé.
done-archived-named = « { $name } » a été archivé.
done-restored = Restauré.
done-merged = Les deux membres sont fusionnés : tout ce qui mentionnait l'autre mentionne désormais celui-ci.
done-resolved = Conflit résolu : la valeur choisie est désormais celle de tous.
done-already = Ce conflit était déjà résolu, peut-être sur un autre ordinateur.
done-recorded = La revue est enregistrée et le statut des groupes mis à jour.
done-admitted = Le groupe est admis et le brouillon de la revue sauvegardé.
done-paused = La synchronisation est en pause.
done-resumed = La synchronisation a repris.
done-dialled = Connexion à cette adresse en cours.
done-bundle = Le paquet a été importé : ce nœud détient désormais ses modifications.
done-revoked = L'appareil a été révoqué ; il ne peut plus se synchroniser.
done-role = Le rôle de l'appareil a été changé.

## Types d'enregistrement et champs

type-member = Membre
type-device = Appareil
type-group = Groupe
type-review = Revue
type-room = Salle
type-meeting = Réunion
type-body = Instance
type-note = Note
field-name = Nom
field-title = Titre
field-kind = Type
field-status = Statut
field-date = Date
field-start = Début
field-end = Fin
field-end-date = Se termine un autre jour
field-room = Salle
field-room-id = Salle
field-organiser = Groupe organisateur
field-languages = Langues
field-languages-other = Autres codes de langue
field-groups = Groupes participants
field-members = Membres participants
field-attendees = Participants
field-agenda = Ordre du jour
field-resources = Ressources
field-capacity = Places
field-booths = Cabines d'interprétation
field-equipment = Équipement
field-organisation = Organisation
field-email = Courriel
field-phone = Téléphone
field-contact = Contact
field-focal-points = Points focaux
field-focal-point-of = Point focal de
field-group = Groupe
field-attention = À traiter
field-decision = Décision
field-notes = Notes
field-body = Instance
field-body-id = Instance
field-text = Texte
field-content-implications = Implications sur le fond
field-plenary-consulted = Plénière consultée
field-description = Description
field-action = Action
field-owner = Responsable
field-due = Échéance
field-note = Note
field-change = Modifier
field-from = Du
field-to = Au
field-role = Rôle
field-address = Adresse du pair
field-valid-for = Valable
hint-end-date = Seulement pour une réunion qui se termine un jour suivant.
hint-languages = Langues de travail ; s'il y en a plusieurs, chacune demande une cabine d'interprétation.
hint-language-codes = Codes séparés par des espaces, comme pt ou zh-Hans.
hint-booths = Langues disposant d'une cabine d'interprétation dans cette salle.
hint-equipment = Séparez les éléments par des virgules.
hint-content-implications = La plénière doit être consultée sur cette question.
hint-resources = Ce dont la réunion a besoin, comme des micros, un projecteur ou une restauration, et si c'est confirmé.
hint-address = Telle qu'un autre nœud l'affiche, p. ex. /ip4/192.168.1.20/tcp/4001/p2p/12D3KooW…

## Vue d'ensemble

overview-title = Vue d'ensemble
overview-today = Réunions du jour
overview-no-meetings = Aucune réunion aujourd'hui.
overview-open-schedule = Ouvrir le calendrier
overview-sync = Synchronisation
overview-findings = { $n ->
    [0] Rien à traiter
    [one] 1 signalement à traiter
   *[other] { $n } signalements à traiter
}
overview-no-findings = Aucune double réservation, cabine manquante, revue ou action en retard.
conflicts-none-short = Aucune modification concurrente.
overview-damage-title = Des modifications enregistrées ne peuvent pas encore être affichées
overview-damage = { $n ->
    [one] 1 modification enregistrée attend des modifications absentes des fichiers de cet ordinateur (un fichier endommagé ou supprimé)
   *[other] { $n } modifications enregistrées attendent des modifications absentes des fichiers de cet ordinateur (un fichier endommagé ou supprimé)
} : { $files }. Rien n'est supprimé. Connectez-vous à un autre appareil du bureau : il enverra ce qui manque, et ce message disparaîtra.

## Signalements

kind-room-double-booked = Salles réservées deux fois
kind-member-double-booked = Personnes attendues à deux endroits
kind-interpretation-not-covered = Interprétation non couverte
kind-archived-reference = Renvois à des éléments archivés
kind-group-without-focal-point = Groupes sans point focal
kind-review-overdue = Revue de composition en retard
kind-group-inactive = Aucune participation depuis la dernière revue
kind-plenary-consultation-pending = Consultation de la plénière en attente
kind-action-overdue = Actions en retard
finding-room-double-booked = { $room } est réservée deux fois : « { $a } » et « { $b } » se chevauchent.
finding-member-double-booked = { $member } est attendu·e à « { $a } » et à « { $b } » en même temps.
finding-interpretation-not-covered = « { $meeting } » demande une interprétation en { $languages }, mais { $room } n'a pas de cabine pour cela.
finding-archived-room = « { $meeting } » a lieu dans { $name }, qui est archivée.
finding-archived-group = « { $meeting } » mentionne le groupe { $name }, qui est archivé.
finding-unknown-room = « { $meeting } » a lieu dans une salle qui n'existe pas.
finding-unknown-group = « { $meeting } » mentionne un groupe qui n'existe pas.
finding-group-without-focal-point = { $group } n'a aucun point focal actif.
finding-review-overdue = Une revue de composition était due le { $date }.
finding-group-inactive = { $group } n'a participé à aucune réunion depuis la revue du { $date }.
finding-group-inactive-created = { $group } n'a participé à aucune réunion depuis sa création le { $date }.
finding-group-inactive-active-again = { $group } n'a participé à aucune réunion depuis son retour à l'activité le { $date }.
finding-plenary-consultation-pending = « { $note } » a des implications sur le fond et la plénière n'a pas encore été consultée.
finding-action-overdue = « { $action } » ({ $owner }) était dû le { $date }.
finding-action-overdue-note = Une action de « { $note } » est en retard.

## Composition

roster-title = Composition
groups-title = Groupes
members-title = Membres
group-new = Ajouter un groupe
group-create = Ajouter le groupe
member-new = Ajouter un membre
member-create = Ajouter le membre
group-status-history = Statut au fil du temps
group-kind-family = Famille
group-kind-caucus = Caucus
group-kind-working-group = Groupe de travail
group-kind-other = Autre regroupement
group-kind-plural-family = Familles
group-kind-plural-caucus = Caucus
group-kind-plural-working-group = Groupes de travail
group-kind-plural-other = Autres regroupements
group-status-active = Actif
group-status-inactive = Inactif
group-status-removed = Retiré
status-event-active = Actif
status-event-inactive = Déclaré inactif
status-event-removed = Retiré
status-event-returned = Revenu
review-title = Revue de composition
review-of = Revue du { $date }
review-last = Dernière revue enregistrée :
review-none = Aucune revue n'a encore été enregistrée.
review-next-due = Prochaine revue due au plus tard le { $date }.
review-overdue = En retard
review-inactive-groups = { $n ->
    [0] Tous les groupes actifs ont participé à une réunion depuis.
    [one] 1 groupe actif n'a participé à aucune réunion depuis.
   *[other] { $n } groupes actifs n'ont participé à aucune réunion depuis.
}
review-continue = Poursuivre la revue du { $date }
review-date = Date de la revue
review-start = Commencer une revue
review-open = Ouverte : les décisions peuvent encore changer
review-recorded = Enregistrée
review-since = La participation est comptée depuis la revue du { $date }.
review-see-last = Voir cette revue
review-first = C'est la première revue : aucune participation n'est encore comptée.
review-quiet-groups = Aucune participation depuis la dernière revue
review-no-quiet-groups = Tous les groupes actifs ont participé à une réunion depuis la dernière revue.
review-other-groups = Autres groupes
review-last-attended = dernière participation le { $date }
review-never-attended = aucune participation enregistrée
review-decisions = Décisions
review-save = Enregistrer le brouillon
review-record = Enregistrer la revue
review-record-hint = L'enregistrement applique les décisions : les groupes sont déclarés inactifs, retirés ou revenus, et le changement apparaît dans leur historique.
decision-keep = Maintenir
decision-inactive = Inactif
decision-remove = Retirer
decision-return = Retour
review-decision-admit = Admettre
review-admitted = Admis
review-new-groups = Nouveaux groupes
review-new-groups-hint = Ces groupes sont arrivés depuis la dernière revue. Maintenez-les en les admettant, ou retirez-les.
review-admit-title = Admettre un nouveau groupe
review-admit-hint = Le groupe entre aussitôt dans la liste ; cette revue consigne son admission.
review-admit = Admettre le groupe
review-err-return-active = Seul un groupe inactif ou retiré peut revenir ; celui-ci est actif.
field-admit-name = Nom du nouveau groupe
field-admit-kind = Son type
field-admit-focal-points = Ses points focaux

## Calendrier

schedule-title = Calendrier
schedule-days = Jours
schedule-view = Affichage
view-timetable = Grille
view-list = Liste
day-previous = Jour précédent
day-next = Jour suivant
timetable-caption = Réunions du { $date }, par salle
schedule-no-meetings = Aucune réunion ce jour-là.
schedule-day-findings = Signalements du jour
schedule-no-findings = Aucun chevauchement ni cabine manquante ce jour-là.
rooms-title = Salles
room-new = Ajouter une salle
room-create = Ajouter la salle
room-option = { $name } ({ $capacity } places ; cabines : { $booths })
no-booths = aucune
no-room = Pas encore de salle
no-organiser = Aucun
meeting-new = Nouvelle réunion
meeting-create = Créer la réunion
meeting-findings = Signalements pour cette réunion
meeting-no-findings = Aucun chevauchement pour cette réunion.
meeting-as-saved = Telle qu'enregistrée
meeting-now = en cours
meeting-status-proposed = Proposée
meeting-status-confirmed = Confirmée
meeting-status-cancelled = Annulée
meeting-kind-bureau = Bureau
meeting-kind-plenary = Plénière
meeting-kind-caucus = Caucus
meeting-kind-working-group = Groupe de travail
meeting-kind-family = Famille
meeting-kind-liaison = Liaison
meeting-kind-briefing = Séance d'information
meeting-kind-other = Autre
resource-name = Ressource
resource-new = Ajouter une ressource
resource-new-state = Demandée ou confirmée
resource-remove = Retirer
resource-remove-named = Retirer { $name }
resource-state-requested = Demandée
resource-state-confirmed = Confirmée
resource-with-state = { $name } ({ $state })
attendees-count = { $groups ->
    [one] 1 groupe
   *[other] { $groups } groupes
}, { $members ->
    [one] 1 personne
   *[other] { $members } personnes
}

## Liaison

liaison-title = Liaison
bodies-title = Instances
bodies-all = Toutes les instances
body-new = Ajouter une instance
body-create = Ajouter l'instance
body-edit = Modifier cette instance
notes-all = Toutes les notes
notes-none = Pas encore de notes.
note-new = Nouvelle note
note-create = Créer la note
note-content-implications = Implications sur le fond
note-plenary-consulted = Plénière consultée
note-consultation-pending = Consultation en attente
actions-title = Actions
actions-none = Aucune action.
action-add = Ajouter une action
action-add-button = Ajouter l'action
action-done = Faite
action-open = À faire
action-overdue = En retard
action-due = échéance { $date }
action-mark-done = Marquer comme faite
action-mark-done-named = Marquer comme faite : « { $action } »
action-reopen = Rouvrir
action-reopen-named = Rouvrir : « { $action } »
action-remove = Retirer
action-remove-named = Retirer : « { $action } »
no-owner = Personne pour l'instant
report-link = Rapport pour la plénière
report-title = Rapport à la plénière sur les questions logistiques
report-period = { $bureau }, du { $from } au { $to }.
report-show = Afficher la période
report-print = Imprimer
report-notes = Notes de liaison de la période
report-consultation = Questions demandant la consultation de la plénière
report-actions = Actions
report-meetings = Réunions
report-logistics = Salles et interprétation
report-none = Aucune.
report-no-issues = Aucune double réservation ni cabine d'interprétation manquante.

## Conflits et historique

conflicts-title = Conflits
conflicts-explain = Ces champs ont été modifiés sur deux ordinateurs en même temps. Les deux valeurs sont conservées jusqu'à ce que quelqu'un en choisisse une ; ce choix est partagé avec tous.
conflicts-none = Aucun conflit. Les champs modifiés en même temps sur deux ordinateurs apparaissent ici.
conflict-by = par { $name }
conflict-shown = affichée
conflict-keep = Garder cette valeur
conflict-pick = Choisissez une des valeurs.
conflict-mark = Ce champ a été modifié sur deux ordinateurs en même temps. Les deux valeurs sont conservées jusqu'à ce que quelqu'un en choisisse une :
conflict-marks-summary = Des champs de cette fiche ont été modifiés sur deux ordinateurs en même temps. Leurs valeurs sont affichées à côté : gardez la bonne, et tout le monde la verra.
conflict-marks-all = Voir tous les conflits
value-empty = (vide)
value-yes = oui
value-no = non
history-title = Historique de { $name }
history-caption = { $n ->
    [one] 1 modification, la plus récente d'abord
   *[other] { $n } modifications, les plus récentes d'abord
}
history-when = Quand
history-who = Qui
history-what = Quoi
history-fields = Ce qui a changé
history-verb-create = Création
history-verb-update = Modification
history-verb-archive = Archivage
history-verb-restore = Restauration
history-verb-resolve = Conflit résolu
history-verb-add = Ajout
history-verb-revoke = Révocation
history-verb-migrate = Mise à niveau
history-verb-import = Importé
history-doc-edit-text = A modifié le texte
history-doc-comment = A commenté
history-doc-reply = A répondu à un commentaire
history-doc-resolve-comment = A clos un commentaire
history-doc-reopen-comment = A rouvert un commentaire
history-doc-suggest = A proposé une formulation
history-doc-accept = A accepté une proposition
history-doc-reject = A rejeté une proposition
history-doc-name-version = A nommé une version
history-doc-tidy = A retiré une formulation acceptée deux fois
field-versions = Versions du texte
field-comments = Commentaires
field-suggestions = Formulations proposées
history-became = remplacé par
history-added = ajouté :
history-removed = retiré :
history-spacing = Seuls des espaces ou des retours à la ligne ont changé.
field-archived = Archivé
field-decisions = Décisions
field-actions = Actions à mener

## Pairs et appareils

peers-page-title = Pairs et appareils
peers-open = Voir les pairs et appareils
peers-this-device = Cet appareil
peers-peer-id = Identifiant de pair
peers-listening = À l'écoute sur
peers-sync = Synchronisation
peers-title = Pairs
peers-none = Aucun autre nœud n'a encore été vu. Ajoutez-en un par son adresse, ou invitez un nouvel appareil.
peers-device = Appareil
peers-member = Membre
peers-connection = Connexion
peers-last-sync = Dernière synchronisation
peers-address = Adresse
peers-unknown-device = Appareil inconnu
peer-connected = Connecté
peer-offline = Hors ligne
peer-in-sync = À jour
peer-syncing = Synchronisation
bundle-title = Transporter les modifications dans un fichier
bundle-explain = Un paquet contient les modifications du bureau, scellées de sorte que seuls les appareils du bureau puissent l'ouvrir, et signées par cet ordinateur. Transportez-le sur une clé USB, par courriel ou dans une messagerie vers un ordinateur qui ne peut pas joindre celui-ci, puis importez-le là-bas. Importer deux fois le même paquet est sans effet.
bundle-download = Télécharger un paquet de toutes les modifications
bundle-file = Fichier du paquet
bundle-import-button = Importer le paquet
bundle-no-file = Choisissez un fichier de paquet à importer.
bundle-refused = Le paquet a été refusé : { $message }
dial-title = Ajouter un pair par son adresse
dial-button = Se connecter
invite-title = Inviter un appareil
invite-button = Créer un code d'invitation
invite-hours = { $n ->
    [one] 1 heure
    [24] 1 jour
    [168] 1 semaine
   *[other] { $n } heures
}
invite-ready = Code d'invitation prêt
invite-explain = Ce code permet à un nouvel appareil de rejoindre le bureau comme { $role }, jusqu'au { $until }. Partagez-le en privé : lisez-le à voix haute, collez-le dans une messagerie ou montrez le code QR.
invite-join-hint = Sur le nouvel ordinateur, lancez :
invite-qr = Code QR de l'invitation
invite-code = Code à saisir :
invite-code-hint = Lisez-le à voix haute ou envoyez-le. Sur le même réseau, le nouvel ordinateur trouve celui-ci par le numéro ; les deux mots sont le mot de passe. Trois essais erronés annulent l'invitation.
invite-link = Lien d'invitation
invite-link-hint = Pour un ordinateur qui ne trouve pas celui-ci par le numéro (sur un autre réseau, ou sur un Wi-Fi qui isole les ordinateurs) : le lien contient les adresses de ce nœud. Le code QR contient le même lien.
invites-title = Invitations faites ici
invites-until = Valable jusqu'au
invites-state = État
invites-open = Ouverte, code
invites-wrong = { $n ->
    [one] (un essai erroné)
   *[other] ({ $n } essais erronés)
}
invites-burned = { $n ->
    [one] Annulée après un essai erroné de son code
   *[other] Annulée après { $n } essais erronés de son code
}
invites-used = Utilisée
invites-expired = Expirée
board-title = Qui a la dernière version
board-explain = Les appareils de chaque membre, et si chacun détient toutes les modifications que détient cet ordinateur : d'après sa dernière synchronisation avec cet ordinateur, ou d'après un autre ordinateur qui s'est synchronisé avec lui (le hub, par exemple). Pour répondre à la question « tout le monde a-t-il le nouveau programme ? ».
board-summary = Autres appareils qui ont tout ce que détient cet ordinateur : { $n } sur { $total }.
board-none = Aucun autre appareil pour l'instant.
board-member = Membre
board-device = Appareil
board-state = A la dernière version ?
board-when = À la date du
board-no-device = Aucun appareil
board-this = cet ordinateur
board-this-has = Cet ordinateur
board-current = A tout
board-behind = { $n ->
    [one] Il manque une modification
   *[other] Il manque { $n } modifications
}
board-unknown = Inconnu
board-via = (par { $name })
doctor-title = Pourquoi cet ordinateur ne se synchronise peut-être pas
doctor-ok = Rien de ce que cet ordinateur peut voir n'empêche la synchronisation.
doctor-paused = La synchronisation est en pause sur cet ordinateur.
doctor-paused-next = Reprenez-la sur cette page.
doctor-no-address = Cet ordinateur n'a aucune adresse réseau en dehors de lui-même : aucun autre ordinateur ne peut le joindre.
doctor-no-address-next = Connectez-le à un réseau Wi-Fi ou à un câble.
doctor-no-multicast = Cet ordinateur n'a pas de route pour la multidiffusion : il ne peut pas trouver seul les autres ordinateurs du réseau.
doctor-no-multicast-next = Connectez-le à un réseau doté d'un routeur, ajoutez à la main l'adresse d'un membre, ou utilisez le hub du bureau.
doctor-mdns-silent = Cet ordinateur cherche les autres sur le réseau mais n'en entend aucun : ce Wi-Fi bloque peut-être la multidiffusion ou isole les ordinateurs.
doctor-mdns-silent-next = Utilisez le hub du bureau, transportez les modifications sur une clé USB sous forme de paquet (sur cette page), ou ajoutez à la main l'adresse d'un membre sur cette page.
doctor-unreachable = { $name } est injoignable : { $errors }.
doctor-unreachable-next = Vérifiez que son nœud fonctionne et se trouve sur un réseau que cet ordinateur peut joindre ; sa page des pairs indique son adresse.
doctor-address = Rien ne répond à { $addr } : { $error }.
doctor-address-next = Vérifiez l'adresse sur la page des pairs de l'autre ordinateur, et que son nœud fonctionne.
doctor-refused-revoked = { $name } a tenté de se synchroniser, mais son appareil a été révoqué : cet ordinateur le refuse.
doctor-refused-stranger = Un nœud qui n'est pas un appareil de ce bureau ({ $name }) a tenté de se synchroniser et a été refusé.
doctor-refused-next = Rien à faire si c'est attendu ; un administrateur peut inviter à nouveau l'appareil.
doctor-this-revoked = L'appareil de cet ordinateur a été révoqué : les ordinateurs des autres membres refusent de se synchroniser avec lui.
doctor-this-revoked-next = Demandez une nouvelle invitation à un administrateur et rejoignez le bureau avec elle.
doctor-clock-ahead = L'horloge de { $name } avance de { $minutes } minutes sur celle de cet ordinateur : les heures que chacun inscrit sur les fiches paraîtront fausses à l'autre.
doctor-clock-behind = L'horloge de { $name } retarde de { $minutes } minutes sur celle de cet ordinateur : les heures que chacun inscrit sur les fiches paraîtront fausses à l'autre.
doctor-clock-next = Réglez les deux horloges : heure automatique par le réseau, et bon fuseau horaire.
doctor-incompatible = { $name } utilise une version de bureau avec laquelle cet ordinateur ne peut pas se synchroniser : il a refusé { $protocol }.
doctor-incompatible-next = Installez la même version de bureau sur les deux ordinateurs.
join-title = Rejoindre un autre bureau
join-offer = Cet ordinateur n'a encore servi à rien. Si vous avez été invité à un bureau, rejoignez-le ici : le bureau vide de ce nœud est mis de côté.
join-explain = Saisissez le code que le membre qui vous invite vous a donné, ou collez le lien de l'invitation. Le bureau propre à ce nœud, que personne n'a encore utilisé, est mis de côté (rien n'est supprimé) et le nœud redémarre sur le bureau que vous rejoignez.
join-code = Code ou lien d'invitation
join-code-hint = Comme 7-orbit-lantern, ou un lien qui commence par bureau1-.
join-name = Votre nom
join-name-hint = Tel que les autres membres le verront. Laissez vide si l'invitation a été faite pour vous en tant que membre (un autre de vos ordinateurs).
join-peer = Adresse de l'ordinateur qui invite
join-peer-hint = Seulement si cet ordinateur ne trouve pas celui qui invite sur le réseau : l'adresse de sa page des pairs, comme /ip4/203.0.113.7/tcp/4001.
join-button = Rejoindre
join-touched = Le bureau de ce nœud contient déjà des modifications : il n'est pas mis de côté depuis cette page. Pour rejoindre un autre bureau sur cet ordinateur, utilisez un autre répertoire de données depuis un terminal :
join-done = Bureau rejoint
join-done-explain = Vous avez rejoint le bureau en tant que { $name }. Le nœud redémarre avec le nouveau bureau, qui arrive de l'ordinateur qui vous a invité ; cette page ouvre la vue d'ensemble dans un instant.
join-open = Ouvrir la vue d'ensemble
member-merge-title = Même personne qu'un autre membre ?
member-merge-hint = Si ce membre et un autre sont une seule personne (un ordinateur qui a rejoint sous un nouveau nom, par exemple), fusionnez-les : tout ce qui mentionne ce membre passe à l'autre, et celui-ci est archivé.
member-merge-into = Fusionner avec
member-merge-button = Fusionner
devices-title = Appareils du bureau
devices-added = Ajouté
devices-this = cet appareil
device-revoked = Révoqué
device-active = Actif
device-revoke = Révoquer
device-revoke-named = Révoquer : { $name }
device-revoke-self = Ce nœud ne peut pas révoquer son propre appareil : le nœud d'un autre membre doit le faire.
role-editor = éditeur
role-observer = observateur
role-admin = administrateur
role-relay = relais (hub)
invite-member = Qui rejoint
invite-member-hint = Une nouvelle personne donne son nom en rejoignant ; l'appareil d'une personne déjà dans le bureau rejoint comme ce membre.
invite-member-new = Une nouvelle personne
invite-member-own-only = Seul un administrateur peut inviter un appareil pour un autre membre ; vous pouvez inviter de nouvelles personnes et vos propres appareils.
invite-admin-only = Seul un administrateur peut inviter un appareil administrateur.
invite-observer = Cet appareil ne peut pas inviter : seul l'appareil d'un éditeur ou d'un administrateur le peut.
invite-explain-member = Ce code permet à un nouvel appareil de { $name } de rejoindre le bureau comme { $role }, jusqu'au { $until }. Partagez-le en privé : lisez-le à voix haute, collez-le dans une messagerie ou montrez le code QR.
device-role-named = Rôle de { $name }
device-role-change = Changer
device-admin-only = Seul un administrateur peut révoquer des appareils ou changer les rôles.
device-last-admin = C'est le dernier appareil administrateur du bureau : faites d'abord d'un autre appareil un administrateur, pour que le bureau en garde un.

# A field the user and a peer both changed while the form was open.
contest-summary = Quelqu'un d'autre a modifié cet enregistrement pendant que vous le modifiiez. Là où vous avez tous deux changé un champ, l'autre valeur est affichée à côté : choisissez celle à garder. Rien n'a encore été enregistré.
contest-changed-meanwhile = { $name } a entre-temps changé ce champ en :
contest-keep-mine = Garder la mienne (celle du champ)
contest-keep-theirs = Garder l'autre
contest-removed = (supprimé)
contest-empty = (vide)
err-contest-choose = Choisissez la valeur à garder.
error-form-heads = Ce formulaire a été ouvert sur une version de l'enregistrement que ce nœud n'a pas. Rouvrez l'enregistrement et refaites vos modifications.
yes = Oui
no = Non

# Finding things: the search box, the schedule's filters, agendas and pickers.
search-label = Rechercher dans le bureau
search-button = Rechercher
search-title = Recherche
search-title-for = Recherche : { $q }
search-words = Mots à trouver
search-hint = Trouve les membres, groupes, salles, réunions, instances et notes par leur nom, leur titre et leur texte. Majuscules et accents sont indifférents, et le début d'un mot suffit : « gen » trouve « Genève ».
search-too-long = Tapez au plus { $n } caractères.
search-too-many-words = Tapez au plus { $n } mots.
search-results = { $n ->
    [0] Aucun résultat
    [one] 1 résultat
   *[other] { $n } résultats
}
search-results-list = Résultats de la recherche
search-nothing = Rien ne contient tous ces mots. Essayez avec moins de mots, ou le début d'un nom.
filter-title = N'afficher que certaines réunions
filter-group = Groupe
filter-member = Membre
filter-language = Langue
filter-any-room = Toutes les salles
filter-any-group = Tous les groupes
filter-any-member = Tout le monde
filter-any-language = Toutes les langues
filter-apply = Afficher
filter-clear = Afficher toutes les réunions
agenda-title = Mon agenda
agenda-meetings = Réunions
agenda-upcoming = À venir
agenda-past = Passées
agenda-none = Aucune.
agenda-in-person = en personne
agenda-through = avec { $group }
agenda-lead = Réunions de { $name } : celles auxquelles vous participez en personne, et celles des groupes dont vous êtes point focal.
agenda-groups = Vous êtes point focal de : { $groups }.
agenda-no-groups = Vous n'êtes point focal d'aucun groupe.
agenda-member-page = Votre fiche dans la liste des membres
agenda-no-member = Cet appareil n'appartient encore à aucun membre du bureau : il n'a donc pas d'agenda. Une fois qu'il aura rejoint le bureau, les réunions de son membre s'afficheront ici.
room-meetings = Réunions dans cette salle
group-meetings = Réunions de ce groupe
picker-filter = N'afficher que les noms contenant
picker-none = Aucun nom ne correspond. Les noms cochés restent cochés.
picker-ticked = { $n ->
    [one] 1 choisi, en tête de liste
   *[other] { $n } choisis, en tête de liste
}

## Documents

type-document = Texte

## Tableurs : exporter et importer (/roster/spreadsheets)
spreadsheets-title = Tableurs
spreadsheets-link = Tableurs
export-title = Exporter
export-explain = Les listes en fichiers pour tableur, sans les fiches archivées. Les fichiers CSV conservent les accents et toutes les écritures ; une cellule qu’un tableur exécuterait comme formule est écrite en texte simple.
export-list = Liste
export-csv = Fichier CSV
export-xlsx = Classeur Excel (XLSX)
export-meetings = Réunions
import-title = Importer des membres ou des groupes
import-explain = Un fichier CSV ou XLSX dont la première ligne nomme les colonnes, comme un fichier exporté. Chaque ligne est rapprochée d’une fiche par adresse électronique ou par nom : une fiche trouvée est mise à jour, sinon une fiche est ajoutée. Vous voyez ce que ferait chaque ligne avant que rien ne soit écrit. Les colonnes absentes du fichier restent inchangées.
import-collection = Le fichier contient
import-file = Fichier
import-file-hint = CSV (UTF-8) ou XLSX.
import-preview = Prévisualiser l’import
import-preview-title = Ce que ferait l’import
import-row = Ligne
import-action = Opération
import-details = Détails
import-action-new = Nouvelle fiche
import-action-update = Mise à jour
import-action-unchanged = Aucun changement
import-action-error = Erreur
import-changes = Modifie { $fields }.
import-err-missing-name = La ligne n’a pas de nom.
import-err-bad-email = « { $value } » n’est pas une adresse électronique.
import-err-bad-language = « { $value } » n’est pas un code de langue comme en, fr ou zh-Hans.
import-err-unknown-kind = « { $value } » n’est pas un type de groupe : family, caucus, working-group ou other.
import-err-unknown-status = « { $value } » n’est pas une situation : active, inactive ou removed.
import-err-unknown-member = Aucun membre ne s’appelle « { $value } ». Importez d’abord les membres.
import-err-ambiguous = Plusieurs fiches correspondent à « { $value } » : indiquez une adresse électronique pour les distinguer.
import-err-duplicate = Une ligne précédente du fichier désigne déjà cette fiche.
import-has-errors = Rien n’est écrit tant qu’une ligne comporte une erreur. Corrigez le fichier et prévisualisez-le de nouveau.
import-nothing = Le fichier ne change rien : le bureau contient déjà tout cela.
import-apply = Écrire ces lignes
import-done = Lignes écrites : { $count }.
import-stopped = Le bureau n'accepte plus une ligne (il a changé depuis l'aperçu). Rien n'a été enregistré : voyez la ligne signalée ci-dessous, puis prévisualisez à nouveau le fichier.
import-file-error = Le fichier n’a pas pu être lu. { $message }
import-no-file = Choisissez un fichier CSV ou XLSX à importer.

nav-documents = Documents de travail
documents-title = Documents de travail
documents-explain = Textes que le Bureau rédige ensemble : la charte, les déclarations, le rapport à la plénière. Chacun modifie, commente et propose des formulations sur son propre ordinateur ; les modifications sont fusionnées mot à mot lors de la synchronisation.
documents-none = Aucun document pour l’instant.
document-new = Nouveau document
document-create = Créer le document
document-text-hint = Les retours à la ligne sont conservés.
document-bracketed = Le texte est un projet annoté entre crochets
document-bracketed-hint = [Nom : remarque] devient un commentaire de Nom, une question entre crochets un commentaire sans nom, et « mot [autre] » une proposition d’écrire « autre » au lieu de « mot ». Les crochets sont retirés du texte.
document-status-draft = Projet
document-status-adopted = Adopté
document-updated = Dernière modification
document-edit-text = Modifier le texte
document-editing = Modification de « { $title } »
document-editor-explain = Vos modifications sont fusionnées avec celles que d’autres apportent entre-temps : rien de ce qu’ils écrivent n’est perdu, et rien de ce que vous n’avez pas modifié n’est réécrit.
presence-title = Également dans ce document
presence-none = Personne d’autre sur un nœud connecté n’a ce document ouvert.
presence-paragraph = paragraphe { $number }
document-remark-title = Commenter ou proposer une formulation
document-select-hint = Sélectionnez des mots dans le texte pour remplir le champ ci-dessous, ou saisissez-les exactement tels qu’ils sont écrits.
document-comment-title = Commentaire
document-comment = Commentaire
document-comment-button = Ajouter le commentaire
document-quote = Les mots visés
document-quote-not-found = Ces mots ne figurent pas dans le texte. Saisissez-les exactement tels qu’ils sont écrits, ou sélectionnez-les dans le texte.
document-suggest-title = Proposer une formulation
document-replacement = Écrire plutôt
document-replacement-hint = Laissez vide pour proposer la suppression de ces mots.
document-suggest-button = Proposer
document-comments = Commentaires
document-comments-none = Aucun commentaire ouvert.
document-comment-n = Commentaire { $n }
document-unsigned = Sans signature
document-words-deleted = Ces mots ont depuis été supprimés du texte.
document-reply = Réponse
document-reply-button = Répondre
document-resolve = Clore
document-reopen = Rouvrir
document-resolved-count = Commentaires clos : { $n }
document-suggestions = Formulations proposées
document-suggestions-none = Aucune proposition ouverte.
document-decided-count = Acceptées ou rejetées : { $n }
document-suggest-replace = Remplacer « { $old } » par « { $new } »
document-suggest-insert = Insérer « { $new } »
document-suggest-delete = Supprimer « { $old } »
document-suggestion-open = Ouverte
document-suggestion-accepted = Acceptée
document-suggestion-rejected = Rejetée
document-accept = Accepter
document-reject = Rejeter
document-inserted = Inséré :
document-deleted = Supprimé :
document-versions = Versions du texte
document-versions-none = Aucune version n’a encore été nommée.
document-version-name = Nom de la version
document-version-hint = Par exemple « transmis à la plénière ». Il désigne le texte tel qu’il est maintenant.
document-version-button = Nommer cette version
document-compare = Comparer des versions
document-compare-now = comparer avec le texte actuel
document-compare-title = Modifications de « { $title } »
document-compare-button = Comparer
document-from = De
document-to = À
document-now = Texte actuel
document-no-such-version = Aucune version ne porte ce nom.
document-no-changes = Le texte est identique dans les deux versions.
document-by = par { $name }
document-details = Titre et statut
document-export = Exporter
document-export-md = Markdown, texte seul
document-export-md-comments = Markdown avec commentaires et propositions
document-export-html = Page à imprimer

## Le programme à imprimer (/schedule/programme)
programme-title = Programme des réunions
programme-link = Programme à imprimer
programme-as-of = État au { $date }
programme-views = Présentation du programme
programme-by-day = Par jour
programme-by-room = Par salle
programme-by-group = Par groupe
programme-print-hint = Imprimez cette page avec la commande Imprimer du navigateur (Ctrl+P, ou ⌘P sur un Mac) ; la navigation n’est pas imprimée.
programme-time = Horaire
programme-none = Aucune réunion.

## The venue listener: the public programme on phones
field-public = Ouverte au public
hint-public = Figure au programme que les participants consultent sur leur téléphone sur le lieu de la réunion ; une séance privée n'est visible que des membres.
venue-nav = Affichage du programme
venue-updated = Dernière mise à jour à { $time }
venue-offline = Hors ligne, dernière mise à jour à { $time }
venue-save = Enregistrer le programme en un seul fichier
venue-all-meetings = Toutes les séances
venue-by-language = Par langue
venue-no-rooms = Aucune salle.
venue-no-groups = Aucun groupe.
venue-meetings = Séances
peers-venue-title = Programme pour le lieu de la réunion
peers-venue-explain = Les participants connectés au même réseau ouvrent cette adresse sur leur téléphone pour consulter le programme public ; aucune connexion n'est requise et rien d'autre n'est affiché.
peers-venue-qr = Code QR de l'adresse du programme

## Paramètres du Bureau (/settings)
settings-title = Paramètres du Bureau
settings-link = Paramètres du Bureau
settings-explain = Ces paramètres valent pour tout le Bureau et parviennent au nœud de chaque membre lors de la synchronisation. Seul un administrateur peut les modifier.
settings-interpretation = Normes d'interprétation
settings-source = Le planificateur vérifie l'interprétation de chaque réunion au regard de ces normes. Les valeurs par défaut suivent les normes professionnelles de l'AIIC, l'Association internationale des interprètes de conférence.
settings-booth-solo-max-minutes = Durée maximale d'une réunion assurée par un seul interprète (minutes)
settings-booth-pair-max-minutes = Durée maximale d'une réunion assurée par une cabine de deux ; au-delà, trois (minutes)
settings-booth-pair-from-languages = Nombre de langues de la réunion à partir duquel chaque cabine doit compter deux interprètes
settings-interpreter-daily-minutes = Nombre maximal de minutes en cabine par interprète et par jour
settings-hint = Par défaut : { $default } ; de { $min } à { $max }. Laisser vide pour la valeur par défaut.
settings-err-range = Saisir un nombre entier de { $min } à { $max }, ou laisser le champ vide pour la valeur par défaut.
settings-save = Enregistrer les paramètres
settings-admin-only = Seul un administrateur peut modifier ces paramètres ; cet appareil n'est pas un appareil administrateur.
feeds-title = Flux d'agenda
feeds-explain = Une application d'agenda de cet ordinateur peut s'abonner à tout le programme, à une salle, à un groupe ou aux réunions d'une personne, et suit chaque changement du bureau. Chaque adresse contient sa propre clé : ne la donnez à personne.
feeds-programme = Tout le programme
feeds-off = Les flux d'agenda sont désactivés.
feeds-off-not-admin = Un administrateur du bureau les active.
feeds-turn-on = Activer les flux d'agenda
feeds-rotate = Créer de nouvelles adresses de flux
feeds-rotate-hint = Toutes les adresses de flux données jusqu'ici cessent de fonctionner, sur chaque ordinateur du bureau, dès sa synchronisation.
feeds-subscribe = S'abonner dans une application d'agenda
feeds-download = Télécharger l'agenda (.ics)
feeds-address = Adresse du flux
feeds-address-hint = Collez cette adresse là où votre application d'agenda demande un abonnement ou un agenda internet.
feeds-qr = Code QR de l'adresse de ce flux
feeds-venue = Sur un téléphone, sur le lieu de la réunion
feeds-venue-hint = Les téléphones du réseau du lieu s'abonnent ici aux seules réunions publiques.
feeds-venue-qr = Code QR du flux public sur le lieu

## The interpretation planner (/interpretation)
nav-interpretation = Interprétation
type-interpreter = Interprète
interp-title = Plan d'interprétation
interp-days = Jours du plan
interp-previous-day = Jour précédent
interp-next-day = Jour suivant
interp-sheet = Feuille imprimable du jour
interp-sheet-title = Feuille d'interprétation
interp-caption = Réunions avec interprétation le { $date }
interp-none = Aucune réunion de ce jour ne requiert d'interprétation.
interp-col-time = Heure
interp-col-meeting = Réunion
interp-col-booths = Cabines et interprètes
interp-col-findings = À vérifier
interp-col-day = Journée
interp-col-booth = Cabine
interp-col-colleagues = Avec
interp-no-seats = Aucun interprète affecté
interp-ok = Rien à signaler
interp-seat = Affecter des interprètes
interp-seat-title = Interprètes pour « { $meeting } »
interp-booth = Cabine vers : { $language }
interp-no-languages = Cette réunion n'a pas encore de langues. Indiquez d'abord ses langues sur la page de la réunion.
interp-no-candidates = Aucun interprète ne travaille encore vers cette langue.
interp-combination = A : { $a } ; B : { $b } ; C : { $c }
interp-interpreters = Interprètes
interp-no-interpreters = Aucun interprète n'est encore enregistré.
interp-their-day = Programme de la journée
interp-day-title = { $name } : { $date }
interp-day-minutes = En cabine ce jour : { $minutes } min (limite quotidienne : { $limit } min).
interp-day-none = Aucune affectation ce jour.
interp-available-always = Disponibilités non indiquées : l'interprète est réputé disponible à tout moment.
interp-available-not = Non disponible ce jour.
interp-available = Disponible ce jour :
interp-all-day = toute la journée
interp-findings = Points à vérifier
interpreter-new = Nouvel interprète
interpreter-create = Enregistrer l'interprète
field-a-languages = Langues A (langue maternelle)
field-b-languages = Langues B (actives)
field-c-languages = Langues C (passives)
hint-a-languages = Langues vers lesquelles l'interprète travaille à partir de toutes ses autres langues.
hint-b-languages = Autres langues vers lesquelles l'interprète travaille.
hint-c-languages = Langues que l'interprète comprend parfaitement et à partir desquelles il travaille, jamais vers elles.
field-available = Disponibilités
hint-available = Un jour par ligne, par exemple 2025-11-16 pour la journée entière ou 2025-11-16 09:00-13:00 pour une partie. Laissez vide si l'interprète est disponible à tout moment.
field-team = Équipe
field-booth-count = Nombre de cabines
hint-booth-count = Les cabines d'interprétation physiques de cette salle. Si le champ est vide : une par langue de cabine.
err-availability = « { $line } » n'est pas un jour tel que 2025-11-16 ou 2025-11-16 09:00-13:00.
kind-booths-too-few = Cabines en nombre insuffisant
kind-booth-team-too-small = Équipes de cabine incomplètes
kind-interpreter-double-booked = Interprètes affectés deux fois
kind-interpreter-unavailable = Interprètes non disponibles
kind-interpreter-language-mismatch = Interprètes dans une cabine inadaptée
kind-relay-needed = Relais nécessaire
kind-interpreter-overloaded = Interprètes au-delà de la limite quotidienne
finding-booths-too-few = « { $meeting } » requiert { $needed } cabines, mais la salle { $room } en compte { $count }.
finding-booth-team-too-small = La cabine vers : { $language } de « { $meeting } » est incomplète : { $size } interprètes affectés, { $needed } requis.
finding-interpreter-double-booked = { $interpreter } est affecté(e) à « { $a } » et à « { $b } » au même moment.
finding-interpreter-unavailable = { $interpreter } est affecté(e) à « { $meeting } » mais n'est pas disponible à ce moment.
finding-interpreter-language-mismatch = { $interpreter } est affecté(e) à la cabine vers : { $language } de « { $meeting } » mais ne travaille pas vers cette langue.
finding-relay-needed = Dans « { $meeting } », la cabine vers : { $booth } ne comprend pas la langue de l'orateur ({ $floor }) : elle prend le relais de la cabine vers : { $from }.
finding-relay-needed-none = Dans « { $meeting } », la cabine vers : { $booth } ne comprend pas la langue de l'orateur ({ $floor }), et aucune cabine ne peut assurer le relais.
finding-interpreter-overloaded = { $interpreter } est affecté(e) { $minutes } min en cabine le { $date }, au-delà de la limite quotidienne de { $limit } min.

# Calendar feeds: the labels inside a meeting's description in a calendar app.
feed-languages = Langues
feed-agenda = Ordre du jour
feed-booth = Cabine
