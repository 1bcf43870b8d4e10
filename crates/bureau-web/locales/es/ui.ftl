# bureau, interfaz web: español (completo; los mismos identificadores que el inglés).
# Registro formal (usted), terminología de las Naciones Unidas: Mesa, plenario, punto focal.

app-name = bureau
app-description = La composición, el calendario y las notas de enlace de la Mesa de coordinación, guardados en esta computadora y sincronizados con los demás miembros.

## Fechas y horas (hora local de la sede)

date-long = { $weekday }, { $day } de { $month } de { $year }
date-short = { $weekday_short } { $day } { $month_short }
date-time = { $date }, { $time }
# Between the items of a list (a string literal, so that its space is kept).
list-separator = { ", " }
weekday-1 = lunes
weekday-2 = martes
weekday-3 = miércoles
weekday-4 = jueves
weekday-5 = viernes
weekday-6 = sábado
weekday-7 = domingo
weekday-short-1 = lun.
weekday-short-2 = mar.
weekday-short-3 = mié.
weekday-short-4 = jue.
weekday-short-5 = vie.
weekday-short-6 = sáb.
weekday-short-7 = dom.
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre
month-short-1 = ene.
month-short-2 = feb.
month-short-3 = mar.
month-short-4 = abr.
month-short-5 = may.
month-short-6 = jun.
month-short-7 = jul.
month-short-8 = ago.
month-short-9 = sept.
month-short-10 = oct.
month-short-11 = nov.
month-short-12 = dic.
time = Hora
venue-time = hora local de la sede ({ $zone })
footer-timezone = Las horas son las de la sede ({ $zone }). Todo cambio se guarda primero en esta computadora y se comparte con los demás miembros cuando hay conexión.

## Idiomas

language-ar = árabe
language-zh = chino
language-en = inglés
language-fr = francés
language-ru = ruso
language-es = español
language-pt = portugués
language-de = alemán
language-it = italiano
language-sw = suajili
language-label = Idioma
language-apply = Cambiar

## Marco de la página

skip-to-content = Ir al contenido
nav-label = Principal
nav-overview = Resumen
nav-roster = Composición
nav-schedule = Calendario
nav-liaison = Enlace
nav-conflicts = Conflictos
nav-peers = Pares y dispositivos
live-updated = La página se actualizó con cambios procedentes de otro dispositivo.
sync-off = Sincronización desactivada
sync-not-running = La sincronización entre pares no está en funcionamiento en este nodo.
sessions-title = Navegadores con sesión iniciada
sessions-explain = Un navegador mantiene la sesión iniciada durante 30 días después de abrir el enlace de acceso.
logout-button = Cerrar sesión
logout-all-button = Cerrar la sesión de todos los navegadores
logout-all-hint = Todos los navegadores con sesión iniciada en este nodo, incluido este, deberán abrir de nuevo el enlace de acceso (bureau status lo muestra). Los scripts que utilizan el api-token no se ven afectados.
sync-loading = Abriendo el registro: se muestra como se guardó por última vez
sync-loading-older = Abriendo el registro: se muestra un estado anterior, los últimos cambios aún se están cargando
sync-paused = Sincronización en pausa
sync-paused-explain = No se intercambia nada con otros dispositivos hasta que se reanude.
sync-offline = Sin conexión: los cambios se guardan en esta computadora
sync-running = En funcionamiento
sync-in-sync = { $n ->
    [one] 1 par · sincronizado
   *[other] { $n } pares · sincronizados
}
sync-syncing = { $n ->
    [one] 1 par · sincronizando
   *[other] { $n } pares · sincronizando
}
sync-summary = { $connected ->
    [one] 1 dispositivo conectado
   *[other] { $connected } dispositivos conectados
}, { $in_sync } sincronizados.
sync-pause = Pausar la sincronización
sync-resume = Reanudar la sincronización
sync-pause-hint = La pausa corta todas las conexiones («modo avión»); sus cambios permanecen en esta computadora.

## Acceso y errores

login-title = Iniciar sesión
login-wrong-title = Este enlace de acceso no es válido
login-how = Abra el enlace de acceso que el nodo mostró al iniciarse. Para volver a verlo, ejecute en una terminal:
error-title = Se produjo un error
error-not-found = Este registro o esta página no existe.
error-not-found-loading = Este registro aún no está entre los que se muestran: puede ser uno de los últimos cambios, que todavía se están cargando. Vuelva a cargar la página en un momento.
not-found-title = Página no encontrada
not-found-explain = No hay ninguna página en esta dirección: puede que se haya escrito mal o que el enlace esté desactualizado.
error-observer = Este dispositivo es observador: puede consultar la Mesa, pero no modificarla.
error-not-member = Este dispositivo aún no es miembro de la Mesa; únase primero con una invitación.
error-disk-full = El disco está lleno: libere espacio y vuelva a intentarlo. No se guardó nada.
error-closed = El nodo se está cerrando.
error-not-saved = No se pudo guardar el cambio; consulte el registro del nodo.
error-logout-not-saved = No se pudo guardar el cierre de sesión; consulte el registro del nodo. Es posible que algunos navegadores sigan con la sesión iniciada cuando el nodo se reinicie.
error-body = No se pudo leer el formulario.
error-summary = Corrija lo siguiente
error-in-field = { $field }: { $message }
error-prefix = Error:
back-to-overview = Volver al resumen

## Mensajes de validación

err-required = Complete este campo.
err-end-before-start = La reunión debe terminar después de comenzar.
err-too-long-meeting = Una reunión no puede durar más de 14 días.
err-datetime = Indique una fecha y una hora.
err-date = Indique una fecha como 2025-11-16.
err-time = Indique una hora como 09:30.
err-email = Indique una dirección de correo electrónico como nombre@example.org.
err-too-long = El texto es demasiado largo.
err-single-line = Utilice una sola línea.
err-invisible = Elimine de este nombre el carácter invisible o de dirección del texto.
err-language = Utilice códigos de idioma como en, fr o zh-Hans.
err-capacity = La capacidad no puede superar 100000.
err-number = Indique un número entero.
err-unknown-ref = Esto remite a algo que no existe (o que ya no existe).
err-address = Indique una dirección de par como /ip4/192.168.1.20/tcp/4001.
err-choice = Elija una de las opciones.
err-period = El final del período no puede ser anterior a su inicio.

## Palabras comunes

save = Guardar los cambios
cancel = Cancelar
archive = Archivar
restore = Restaurar
undo = Deshacer
archived-mark = archivado
record-archived = Este registro está archivado: no aparece en las listas, pero se conserva. Restáurelo para recuperarlo.
record-findings = Requiere atención
record-no-findings = Nada requiere atención.
history-link = Historial de cambios
unknown-person = alguien
never = nunca
show-archived = Mostrar los archivados
hide-archived = Ocultar los archivados
field-required = (obligatorio)
updated-by = Última modificación: { $name }, { $when }.
findings-count = { $n ->
    [one] 1 aviso
   *[other] { $n } avisos
}
findings-about = Avisos sobre { $name }
conflicts-count = { $n ->
    [one] 1 conflicto por resolver
   *[other] { $n } conflictos por resolver
}

## Páginas de una lista larga

pager-label = { $list }: páginas
pager-status = Página { $page } de { $pages }, del { $from } al { $to } de { $total }
pager-previous = Página anterior
pager-next = Página siguiente
pager-page = Página { $page }

## Avisos tras un cambio

done-created = Creado.
done-saved = Cambios guardados.
done-archived = Archivado.
done-archived-named = Se archivó «{ $name }».
done-restored = Restaurado.
done-merged = Los dos miembros se han fusionado: todo lo que mencionaba al otro menciona ahora a este.
done-resolved = Conflicto resuelto: el valor que eligió es ahora el de todos.
done-already = Ese conflicto ya estaba resuelto, quizá en otra computadora.
done-recorded = La revisión quedó registrada y la situación de los grupos, actualizada.
done-admitted = El grupo fue admitido y el borrador de la revisión, guardado.
done-paused = La sincronización está en pausa.
done-resumed = La sincronización se reanudó.
done-dialled = Conectando con esa dirección.
done-bundle = El paquete se importó: este nodo tiene ahora sus cambios.
done-revoked = Se revocó el dispositivo; ya no puede sincronizarse.
done-role = Se cambió la función del dispositivo.

## Tipos de registro y campos

type-member = Miembro
type-device = Dispositivo
type-group = Grupo
type-review = Revisión
type-room = Sala
type-meeting = Reunión
type-body = Órgano
type-note = Nota
field-name = Nombre
field-title = Título
field-kind = Tipo
field-status = Estado
field-date = Fecha
field-start = Comienza
field-end = Termina
field-end-date = Termina otro día
field-room = Sala
field-room-id = Sala
field-organiser = Grupo organizador
field-languages = Idiomas
field-languages-other = Otros códigos de idioma
field-groups = Grupos participantes
field-members = Miembros participantes
field-attendees = Participantes
field-agenda = Orden del día
field-resources = Recursos
field-capacity = Asientos
field-booths = Cabinas de interpretación
field-equipment = Equipo
field-organisation = Organización
field-email = Correo electrónico
field-phone = Teléfono
field-contact = Contacto
field-focal-points = Puntos focales
field-focal-point-of = Punto focal de
field-group = Grupo
field-attention = Requiere atención
field-decision = Decisión
field-notes = Observaciones
field-body = Órgano
field-body-id = Órgano
field-text = Texto
field-content-implications = Repercusiones sustantivas
field-plenary-consulted = Plenario consultado
field-description = Descripción
field-action = Tarea
field-owner = Responsable
field-due = Plazo
field-note = Nota
field-change = Cambio
field-from = Desde
field-to = Hasta
field-role = Función
field-address = Dirección del par
field-valid-for = Válido durante
hint-end-date = Solo para una reunión que termina otro día.
hint-languages = Idiomas de trabajo; si hay más de uno, cada uno requiere una cabina de interpretación.
hint-language-codes = Códigos separados por espacios, como pt o zh-Hans.
hint-booths = Idiomas con cabina de interpretación en esta sala.
hint-equipment = Separe los elementos con comas.
hint-content-implications = Debe consultarse al plenario sobre este asunto.
hint-resources = Lo que necesita la reunión, como micrófonos, un proyector o servicio de comidas, y si está confirmado.
hint-address = Tal como la muestra otro nodo, p. ej., /ip4/192.168.1.20/tcp/4001/p2p/12D3KooW…

## Resumen

overview-title = Resumen
overview-today = Reuniones de hoy
overview-no-meetings = No hay reuniones hoy.
overview-open-schedule = Abrir el calendario
overview-sync = Sincronización
overview-findings = { $n ->
    [0] Nada requiere atención
    [one] 1 aviso requiere atención
   *[other] { $n } avisos requieren atención
}
overview-no-findings = No hay reservas duplicadas, cabinas que falten ni revisiones o tareas atrasadas.
conflicts-none-short = No hay modificaciones simultáneas.
overview-damage-title = Algunos cambios guardados aún no pueden mostrarse
overview-damage = { $n ->
    [one] 1 cambio guardado espera cambios que faltan en los archivos de esta computadora (un archivo dañado o eliminado)
   *[other] { $n } cambios guardados esperan cambios que faltan en los archivos de esta computadora (un archivo dañado o eliminado)
}: { $files }. No se elimina nada. Conéctese a otro dispositivo de la Mesa: enviará lo que falta y este mensaje desaparecerá.

## Avisos

kind-room-double-booked = Salas reservadas dos veces
kind-member-double-booked = Personas esperadas en dos lugares
kind-interpretation-not-covered = Interpretación no cubierta
kind-archived-reference = Referencias a registros archivados
kind-group-without-focal-point = Grupos sin punto focal
kind-review-overdue = Revisión de la composición atrasada
kind-group-inactive = Sin participación desde la última revisión
kind-plenary-consultation-pending = Consulta al plenario pendiente
kind-action-overdue = Tareas atrasadas
finding-room-double-booked = { $room } está reservada dos veces: «{ $a }» y «{ $b }» se superponen.
finding-member-double-booked = Se espera a { $member } en «{ $a }» y en «{ $b }» al mismo tiempo.
finding-interpretation-not-covered = «{ $meeting }» requiere interpretación en { $languages }, pero { $room } no dispone de cabina para ello.
finding-archived-room = «{ $meeting }» se celebra en { $name }, que está archivada.
finding-archived-group = «{ $meeting }» menciona al grupo { $name }, que está archivado.
finding-unknown-room = «{ $meeting }» se celebra en una sala que no existe.
finding-unknown-group = «{ $meeting }» menciona a un grupo que no existe.
finding-group-without-focal-point = { $group } no tiene ningún punto focal activo.
finding-review-overdue = Había que realizar una revisión de la composición el { $date }.
finding-group-inactive = { $group } no ha participado en ninguna reunión desde la revisión del { $date }.
finding-group-inactive-created = { $group } no ha participado en ninguna reunión desde su creación el { $date }.
finding-group-inactive-active-again = { $group } no ha participado en ninguna reunión desde que volvió a estar activo el { $date }.
finding-plenary-consultation-pending = «{ $note }» tiene repercusiones sustantivas y aún no se ha consultado al plenario.
finding-action-overdue = «{ $action }» ({ $owner }) vencía el { $date }.
finding-action-overdue-note = Una tarea de «{ $note }» está atrasada.

## Composición

roster-title = Composición
groups-title = Grupos
members-title = Miembros
group-new = Añadir un grupo
group-create = Añadir el grupo
member-new = Añadir un miembro
member-create = Añadir el miembro
group-status-history = Situación a lo largo del tiempo
group-kind-family = Familia
group-kind-caucus = Caucus
group-kind-working-group = Grupo de trabajo
group-kind-other = Otra agrupación
group-kind-plural-family = Familias
group-kind-plural-caucus = Caucus
group-kind-plural-working-group = Grupos de trabajo
group-kind-plural-other = Otras agrupaciones
group-status-active = Activo
group-status-inactive = Inactivo
group-status-removed = Retirado
status-event-active = Activo
status-event-inactive = Declarado inactivo
status-event-removed = Retirado
status-event-returned = Reincorporado
review-title = Revisión de la composición
review-of = Revisión del { $date }
review-last = Última revisión registrada:
review-none = Aún no se ha registrado ninguna revisión.
review-next-due = Próxima revisión a más tardar el { $date }.
review-overdue = Atrasada
review-inactive-groups = { $n ->
    [0] Todos los grupos activos han participado en alguna reunión desde entonces.
    [one] 1 grupo activo no ha participado en ninguna reunión desde entonces.
   *[other] { $n } grupos activos no han participado en ninguna reunión desde entonces.
}
review-continue = Continuar la revisión del { $date }
review-date = Fecha de la revisión
review-start = Iniciar una revisión
review-open = Abierta: las decisiones aún pueden cambiar
review-recorded = Registrada
review-since = La participación se cuenta desde la revisión del { $date }.
review-see-last = Ver esa revisión
review-first = Esta es la primera revisión: todavía no se cuenta ninguna participación.
review-quiet-groups = Sin participación desde la última revisión
review-no-quiet-groups = Todos los grupos activos han participado en alguna reunión desde la última revisión.
review-other-groups = Otros grupos
review-last-attended = última participación el { $date }
review-never-attended = ninguna participación registrada
review-decisions = Decisiones
review-save = Guardar el borrador
review-record = Registrar la revisión
review-record-hint = Al registrarla se aplican las decisiones: los grupos se declaran inactivos, se retiran o se reincorporan, y el cambio figura en su historial.
decision-keep = Mantener
decision-inactive = Inactivo
decision-remove = Retirar
decision-return = Reincorporar
review-decision-admit = Admitir
review-admitted = Admitido
review-new-groups = Grupos nuevos
review-new-groups-hint = Estos grupos se incorporaron después de la última revisión. Manténgalos admitiéndolos, o retírelos.
review-admit-title = Admitir un grupo nuevo
review-admit-hint = El grupo pasa a formar parte de la composición de inmediato; esta revisión deja constancia de su admisión.
review-admit = Admitir el grupo
review-err-return-active = Solo puede reincorporarse un grupo inactivo o retirado; este está activo.
field-admit-name = Nombre del grupo nuevo
field-admit-kind = Su tipo
field-admit-focal-points = Sus puntos focales

## Calendario

schedule-title = Calendario
schedule-days = Días
schedule-view = Vista
view-timetable = Cuadrícula
view-list = Lista
day-previous = Día anterior
day-next = Día siguiente
timetable-caption = Reuniones del { $date }, por sala
schedule-no-meetings = No hay reuniones este día.
schedule-day-findings = Avisos del día
schedule-no-findings = No hay superposiciones ni cabinas que falten este día.
rooms-title = Salas
room-new = Añadir una sala
room-create = Añadir la sala
room-option = { $name } ({ $capacity } asientos; cabinas: { $booths })
no-booths = ninguna
no-room = Aún sin sala
no-organiser = Ninguno
meeting-new = Nueva reunión
meeting-create = Crear la reunión
meeting-findings = Avisos sobre esta reunión
meeting-no-findings = No hay superposiciones para esta reunión.
meeting-as-saved = Tal como se guardó
meeting-now = en curso
meeting-status-proposed = Propuesta
meeting-status-confirmed = Confirmada
meeting-status-cancelled = Cancelada
meeting-kind-bureau = Mesa
meeting-kind-plenary = Plenario
meeting-kind-caucus = Caucus
meeting-kind-working-group = Grupo de trabajo
meeting-kind-family = Familia
meeting-kind-liaison = Enlace
meeting-kind-briefing = Sesión informativa
meeting-kind-other = Otra
resource-name = Recurso
resource-new = Añadir un recurso
resource-new-state = Solicitado o confirmado
resource-remove = Quitar
resource-remove-named = Quitar { $name }
resource-state-requested = Solicitado
resource-state-confirmed = Confirmado
resource-with-state = { $name } ({ $state })
attendees-count = { $groups ->
    [one] 1 grupo
   *[other] { $groups } grupos
}, { $members ->
    [one] 1 persona
   *[other] { $members } personas
}

## Enlace

liaison-title = Enlace
bodies-title = Órganos
bodies-all = Todos los órganos
body-new = Añadir un órgano
body-create = Añadir el órgano
body-edit = Modificar este órgano
notes-all = Todas las notas
notes-none = Aún no hay notas.
note-new = Nueva nota
note-create = Crear la nota
note-content-implications = Repercusiones sustantivas
note-plenary-consulted = Plenario consultado
note-consultation-pending = Consulta pendiente
actions-title = Tareas
actions-none = No hay tareas.
action-add = Añadir una tarea
action-add-button = Añadir la tarea
action-done = Hecha
action-open = Pendiente
action-overdue = Atrasada
action-due = plazo: { $date }
action-mark-done = Marcar como hecha
action-mark-done-named = Marcar como hecha: «{ $action }»
action-reopen = Reabrir
action-reopen-named = Reabrir: «{ $action }»
action-remove = Quitar
action-remove-named = Quitar: «{ $action }»
no-owner = Nadie por ahora
report-link = Informe para el plenario
report-title = Informe al plenario sobre cuestiones logísticas
report-period = { $bureau }, del { $from } al { $to }.
report-show = Mostrar el período
report-print = Imprimir
report-notes = Notas de enlace del período
report-consultation = Cuestiones que requieren consultar al plenario
report-actions = Tareas
report-meetings = Reuniones
report-logistics = Salas e interpretación
report-none = Ninguna.
report-no-issues = No hay reservas duplicadas ni faltan cabinas de interpretación.

## Conflictos e historial

conflicts-title = Conflictos
conflicts-explain = Estos campos se modificaron en dos computadoras al mismo tiempo. Ambos valores se conservan hasta que alguien elija uno; la elección se comparte con todos.
conflicts-none = No hay conflictos. Aquí aparecen los campos modificados al mismo tiempo en dos computadoras.
conflict-by = por { $name }
conflict-shown = el que se muestra
conflict-keep = Conservar este valor
conflict-pick = Elija uno de los valores.
conflict-mark = Este campo se modificó en dos computadoras al mismo tiempo. Ambos valores se conservan hasta que alguien elija uno:
conflict-marks-summary = Algunos campos de este registro se modificaron en dos computadoras al mismo tiempo. Sus valores se muestran a su lado: conserve el correcto y todos lo verán.
conflict-marks-all = Ver todos los conflictos
value-empty = (vacío)
value-yes = sí
value-no = no
history-title = Historial de { $name }
history-caption = { $n ->
    [one] 1 cambio, del más reciente al más antiguo
   *[other] { $n } cambios, del más reciente al más antiguo
}
history-when = Cuándo
history-who = Quién
history-what = Qué
history-fields = Qué cambió
history-verb-create = Creación
history-verb-update = Modificación
history-verb-archive = Archivo
history-verb-restore = Restauración
history-verb-resolve = Conflicto resuelto
history-verb-add = Alta
history-verb-revoke = Revocación
history-verb-migrate = Actualización
history-verb-import = Importado
history-doc-edit-text = Editó el texto
history-doc-comment = Comentó
history-doc-reply = Respondió a un comentario
history-doc-resolve-comment = Cerró un comentario
history-doc-reopen-comment = Reabrió un comentario
history-doc-suggest = Propuso una redacción
history-doc-accept = Aceptó una propuesta
history-doc-reject = Rechazó una propuesta
history-doc-name-version = Nombró una versión
history-doc-tidy = Quitó una redacción aceptada dos veces
field-versions = Versiones
field-comments = Comentarios
field-suggestions = Redacciones propuestas
history-became = pasó a
history-added = añadido:
history-removed = quitado:
history-spacing = Solo cambiaron espacios o saltos de línea.
field-archived = Archivado
field-decisions = Decisiones
field-actions = Tareas

## Pares y dispositivos

peers-page-title = Pares y dispositivos
peers-open = Ver los pares y dispositivos
peers-this-device = Este dispositivo
peers-peer-id = Identificador del par
peers-listening = Escucha en
peers-sync = Sincronización
peers-title = Pares
peers-none = Aún no se ha visto ningún otro nodo. Añada uno por su dirección o invite a un dispositivo nuevo.
peers-device = Dispositivo
peers-member = Miembro
peers-connection = Conexión
peers-last-sync = Última sincronización
peers-address = Dirección
peers-unknown-device = Dispositivo desconocido
peer-connected = Conectado
peer-offline = Sin conexión
peer-in-sync = Sincronizado
peer-syncing = Sincronizando
bundle-title = Llevar los cambios en un archivo
bundle-explain = Un paquete contiene los cambios de la Mesa, sellados para que solo los dispositivos de la Mesa puedan abrirlo, y firmados por esta computadora. Llévelo en una memoria USB, por correo electrónico o por un chat a una computadora que no pueda conectarse con esta, e impórtelo allí. Importar dos veces el mismo paquete no causa ningún daño.
bundle-download = Descargar un paquete con todos los cambios
bundle-file = Archivo del paquete
bundle-import-button = Importar el paquete
bundle-no-file = Elija un archivo de paquete para importar.
bundle-refused = El paquete fue rechazado: { $message }
dial-title = Añadir un par por su dirección
dial-button = Conectar
invite-title = Invitar a un dispositivo
invite-button = Generar un código de invitación
invite-hours = { $n ->
    [one] 1 hora
    [24] 1 día
    [168] 1 semana
   *[other] { $n } horas
}
invite-ready = Código de invitación listo
invite-explain = Este código permite que un dispositivo nuevo se una como { $role } hasta el { $until }. Compártalo de forma privada: léalo en voz alta, péguelo en un chat o muestre el código QR.
invite-join-hint = En la computadora nueva, ejecute:
invite-qr = Código QR de la invitación
invite-code = Código que debe escribirse:
invite-code-hint = Léalo en voz alta o envíelo. En la misma red, la computadora nueva encuentra esta por el número; las dos palabras son la contraseña. Tres intentos erróneos anulan la invitación.
invite-link = Enlace de invitación
invite-link-hint = Para una computadora que no encuentra esta por el número (en otra red, o en una red wifi que aísla las computadoras entre sí): el enlace contiene las direcciones de este nodo. El código QR contiene el mismo enlace.
invites-title = Invitaciones generadas aquí
invites-until = Válida hasta
invites-state = Estado
invites-open = Abierta, código
invites-wrong = { $n ->
    [one] (un intento erróneo)
   *[other] ({ $n } intentos erróneos)
}
invites-burned = { $n ->
    [one] Anulada tras un intento erróneo de su código
   *[other] Anulada tras { $n } intentos erróneos de su código
}
invites-used = Utilizada
invites-expired = Vencida
board-title = Quién tiene la última versión
board-explain = Los dispositivos de cada miembro y si cada uno tiene todos los cambios que tiene esta computadora: según su última sincronización con ella, o según otra computadora que se sincronizó con él (el nodo central, por ejemplo). Sirve para responder «¿todos tienen ya el nuevo programa?».
board-summary = Otros dispositivos que tienen todo lo que tiene esta computadora: { $n } de { $total }.
board-none = Todavía no hay otros dispositivos.
board-member = Miembro
board-device = Dispositivo
board-state = ¿Tiene la última versión?
board-when = Fecha del dato
board-no-device = Ningún dispositivo
board-this = esta computadora
board-this-has = Esta computadora
board-current = Lo tiene todo
board-behind = { $n ->
    [one] Le falta un cambio
   *[other] Le faltan { $n } cambios
}
board-unknown = Se desconoce
board-via = (a través de { $name })
doctor-title = Por qué esta computadora podría no estar sincronizándose
doctor-ok = Nada de lo que esta computadora puede ver impide la sincronización.
doctor-paused = La sincronización está en pausa en esta computadora.
doctor-paused-next = Reanúdela en esta página.
doctor-no-address = Esta computadora no tiene ninguna dirección de red aparte de sí misma, por lo que ninguna otra puede comunicarse con ella.
doctor-no-address-next = Conéctela a una red Wi-Fi o a un cable.
doctor-no-multicast = Esta computadora no tiene ruta para la multidifusión, por lo que no puede encontrar por sí sola a las demás computadoras de la red.
doctor-no-multicast-next = Conéctela a una red con un enrutador, añada a mano la dirección de un miembro o utilice el nodo central de la Mesa.
doctor-mdns-silent = Esta computadora busca a las demás en la red, pero no ha encontrado ninguna: es posible que esta red Wi-Fi bloquee la multidifusión o aísle las computadoras.
doctor-mdns-silent-next = Utilice el nodo central de la Mesa, lleve los cambios en una memoria USB como paquete (en esta página) o añada a mano la dirección de un miembro en esta página.
doctor-unreachable = No se puede llegar a { $name }: { $errors }.
doctor-unreachable-next = Compruebe que su nodo esté en funcionamiento y en una red a la que esta computadora pueda llegar; su página de pares muestra su dirección.
doctor-address = Nada responde en { $addr }: { $error }.
doctor-address-next = Compruebe la dirección en la página de pares de la otra computadora y que su nodo esté en funcionamiento.
doctor-refused-revoked = { $name } intentó sincronizarse, pero su dispositivo fue revocado, así que esta computadora lo rechaza.
doctor-refused-stranger = Un nodo que no es un dispositivo de esta Mesa ({ $name }) intentó sincronizarse y fue rechazado.
doctor-refused-next = No hay nada que hacer si era lo previsto; un administrador puede volver a invitar el dispositivo.
doctor-this-revoked = El dispositivo de esta computadora fue revocado: las computadoras de los demás miembros se niegan a sincronizarse con ella.
doctor-this-revoked-next = Pida una nueva invitación a un administrador y únase con ella.
doctor-clock-ahead = El reloj de { $name } va { $minutes } minutos adelantado respecto del de esta computadora: las horas que cada uno anota en los registros le parecerán erróneas al otro.
doctor-clock-behind = El reloj de { $name } va { $minutes } minutos atrasado respecto del de esta computadora: las horas que cada uno anota en los registros le parecerán erróneas al otro.
doctor-clock-next = Ajuste ambos relojes: hora automática desde la red y zona horaria correcta.
doctor-incompatible = { $name } usa una versión de bureau con la que esta computadora no puede sincronizarse: rechazó { $protocol }.
doctor-incompatible-next = Instale la misma versión de bureau en ambas computadoras.
join-title = Unirse a otra Mesa
join-offer = Esta computadora aún no se ha utilizado. Si lo invitaron a una Mesa, únase aquí: la Mesa vacía de este nodo se dejará a un lado.
join-explain = Escriba el código que le dio el miembro que lo invitó o pegue el enlace de la invitación. La Mesa propia de este nodo, que nadie ha utilizado aún, se deja a un lado (no se elimina nada) y el nodo vuelve a iniciarse con la Mesa a la que se une.
join-code = Código o enlace de invitación
join-code-hint = Como 7-orbit-lantern, o un enlace que empieza por bureau1-.
join-name = Su nombre
join-name-hint = Tal como lo verán los demás miembros. Déjelo vacío si la invitación se generó para usted como miembro (para otra computadora suya).
join-peer = Dirección de la computadora que invita
join-peer-hint = Solo si esta computadora no encuentra en la red la que invita: la dirección que figura en su página de pares, como /ip4/203.0.113.7/tcp/4001.
join-button = Unirse
join-touched = La Mesa de este nodo ya tiene modificaciones, por lo que no puede dejarse a un lado desde aquí. Para unirse a otra Mesa en esta computadora, utilice otro directorio de datos desde una terminal:
join-done = Se ha unido
join-done-explain = Se unió como { $name }. El nodo vuelve a iniciarse con la nueva Mesa, que llega desde la computadora que lo invitó; esta página abrirá el resumen en unos instantes.
join-open = Abrir el resumen
member-merge-title = ¿La misma persona que otro miembro?
member-merge-hint = Si este miembro y otro son una sola persona (por ejemplo, una computadora que se unió con un nombre nuevo), fusiónelos: todo lo que menciona a este miembro pasa al otro, y este queda archivado.
member-merge-into = Fusionar con
member-merge-button = Fusionar
devices-title = Dispositivos de la Mesa
devices-added = Añadido
devices-this = este dispositivo
device-revoked = Revocado
device-active = Activo
device-revoke = Revocar
device-revoke-named = Revocar: { $name }
device-revoke-self = Este nodo no puede revocar su propio dispositivo: debe hacerlo el nodo de otro miembro.
role-editor = editor
role-observer = observador
role-admin = administrador
role-relay = retransmisor (nodo central)
invite-member = Quién se une
invite-member-hint = Una persona nueva indica su nombre al unirse; el dispositivo de alguien que ya forma parte de la Mesa se une como ese miembro.
invite-member-new = Una persona nueva
invite-member-own-only = Solo un administrador puede invitar a un dispositivo de otro miembro; usted puede invitar a personas nuevas y a sus propios dispositivos.
invite-admin-only = Solo un administrador puede invitar a un dispositivo administrador.
invite-observer = Este dispositivo no puede invitar: solo puede hacerlo el dispositivo de un editor o de un administrador.
invite-explain-member = Este código permite que un dispositivo nuevo de { $name } se una como { $role } hasta el { $until }. Compártalo de forma privada: léalo en voz alta, péguelo en un chat o muestre el código QR.
device-role-named = Función de { $name }
device-role-change = Cambiar
device-admin-only = Solo un administrador puede revocar dispositivos o cambiar funciones.
device-last-admin = Este es el último dispositivo administrador de la Mesa: primero convierta otro dispositivo en administrador, para que la Mesa conserve uno.

# A field the user and a peer both changed while the form was open.
contest-summary = Otra persona modificó este registro mientras usted lo editaba. Donde ambos cambiaron un campo, su otro valor se muestra al lado: elija cuál conservar. Todavía no se ha guardado nada.
contest-changed-meanwhile = Entretanto, { $name } lo cambió a:
contest-keep-mine = Conservar el mío (el del campo)
contest-keep-theirs = Conservar el otro
contest-removed = (eliminado)
contest-empty = (vacío)
err-contest-choose = Elija qué valor conservar.
error-form-heads = Este formulario se abrió sobre una versión del registro que este nodo no tiene. Vuelva a abrir el registro y rehaga sus cambios.
yes = Sí
no = No

# Finding things: the search box, the schedule's filters, agendas and pickers.
search-label = Buscar en la Mesa
search-button = Buscar
search-title = Búsqueda
search-title-for = Búsqueda: { $q }
search-words = Palabras que buscar
search-hint = Encuentra miembros, grupos, salas, reuniones, órganos y notas de enlace por su nombre, título y texto. No importan las mayúsculas ni los acentos, y basta con el comienzo de una palabra: «gen» encuentra «Genève».
search-too-long = Escriba como máximo { $n } caracteres.
search-too-many-words = Escriba como máximo { $n } palabras.
search-results = { $n ->
    [0] Ningún resultado
    [one] 1 resultado
   *[other] { $n } resultados
}
search-results-list = Resultados de la búsqueda
search-nothing = Nada contiene todas estas palabras. Pruebe con menos palabras o con el comienzo de un nombre.
filter-title = Mostrar solo algunas reuniones
filter-group = Grupo
filter-member = Miembro
filter-language = Idioma
filter-any-room = Todas las salas
filter-any-group = Todos los grupos
filter-any-member = Todas las personas
filter-any-language = Todos los idiomas
filter-apply = Mostrar
filter-clear = Mostrar todas las reuniones
agenda-title = Mi agenda
agenda-meetings = Reuniones
agenda-upcoming = Próximas
agenda-past = Pasadas
agenda-none = Ninguna.
agenda-in-person = en persona
agenda-through = con { $group }
agenda-lead = Reuniones de { $name }: aquellas a las que asiste en persona y las de los grupos de los que es punto focal.
agenda-groups = Es punto focal de { $groups }.
agenda-no-groups = No es punto focal de ningún grupo.
agenda-member-page = Su ficha en la composición
agenda-no-member = Este dispositivo aún no pertenece a ningún miembro de la Mesa, por lo que no tiene agenda. Una vez que se haya unido, aquí figurarán las reuniones de su miembro.
room-meetings = Reuniones en esta sala
group-meetings = Reuniones de este grupo
picker-filter = Mostrar solo los nombres con
picker-none = Ningún nombre coincide. Los nombres marcados siguen marcados.
picker-ticked = { $n ->
    [one] 1 elegido, al principio de la lista
   *[other] { $n } elegidos, al principio de la lista
}

## Documents

type-document = Documento

## Hojas de cálculo: exportar e importar (/roster/spreadsheets)
spreadsheets-title = Hojas de cálculo
spreadsheets-link = Hojas de cálculo
export-title = Exportar
export-explain = Las listas como archivos para programas de hojas de cálculo, sin los registros archivados. Los archivos CSV conservan los acentos y cualquier escritura; una celda que una hoja de cálculo ejecutaría como fórmula se escribe como texto simple.
export-list = Lista
export-csv = Archivo CSV
export-xlsx = Libro de Excel (XLSX)
export-meetings = Reuniones
import-title = Importar miembros o grupos
import-explain = Un archivo CSV o XLSX cuya primera fila nombra las columnas, como un archivo exportado. Cada fila se asocia a un registro por dirección de correo electrónico o por nombre: el registro encontrado se actualiza y, si no hay ninguno, se añade uno nuevo. Verá lo que haría cada fila antes de que se escriba nada. Las columnas que falten en el archivo quedan como están.
import-collection = El archivo contiene
import-file = Archivo
import-file-hint = CSV (UTF-8) o XLSX.
import-preview = Previsualizar la importación
import-preview-title = Lo que haría la importación
import-row = Fila
import-action = Operación
import-details = Detalles
import-action-new = Nuevo
import-action-update = Actualización
import-action-unchanged = Sin cambios
import-action-error = Con errores
import-changes = Cambia { $fields }.
import-err-missing-name = La fila no tiene nombre.
import-err-bad-email = «{ $value }» no es una dirección de correo electrónico.
import-err-bad-language = «{ $value }» no es un código de idioma como en, fr o zh-Hans.
import-err-unknown-kind = «{ $value }» no es un tipo de grupo: family, caucus, working-group u other.
import-err-unknown-status = «{ $value }» no es una situación: active, inactive o removed.
import-err-unknown-member = Ningún miembro se llama «{ $value }». Importe primero los miembros.
import-err-ambiguous = Varios registros corresponden a «{ $value }»: indique una dirección de correo electrónico para distinguirlos.
import-err-duplicate = Una fila anterior del archivo ya designa este registro.
import-has-errors = No se escribe nada mientras una fila tenga un error. Corrija el archivo y vuelva a previsualizarlo.
import-nothing = El archivo no cambia nada: la Mesa ya contiene todo esto.
import-apply = Escribir estas filas
import-done = Filas escritas: { $count }.
import-stopped = El buró ya no acepta una fila (cambió desde la vista previa). No se guardó nada: revise la fila señalada abajo y vuelva a previsualizar el archivo.
import-file-error = No se pudo leer el archivo. { $message }
import-no-file = Elija un archivo CSV o XLSX para importar.

nav-documents = Documentos
documents-title = Documentos de trabajo
documents-explain = Textos que la Mesa redacta en conjunto: la carta, las declaraciones, el informe al plenario. Cada persona edita, comenta y propone redacciones en su propio ordenador; los cambios se combinan palabra por palabra al sincronizar.
documents-none = Todavía no hay ningún documento.
document-new = Nuevo documento
document-create = Crear el documento
document-text-hint = Se conservan los saltos de línea.
document-bracketed = El texto es un borrador con observaciones entre corchetes
document-bracketed-hint = [Nombre: observación] pasa a ser un comentario de Nombre, una pregunta entre corchetes un comentario sin nombre, y «palabra [otra]» una propuesta de escribir «otra» en lugar de «palabra». Los corchetes se retiran del texto.
document-status-draft = Borrador
document-status-adopted = Aprobado
document-updated = Última modificación
document-edit-text = Editar el texto
document-editing = Edición de «{ $title }»
document-editor-explain = Sus cambios se combinan con los que otras personas hagan mientras tanto: no se pierde nada de lo que escriban, y no se reescribe nada que usted no haya cambiado.
presence-title = También en este documento
presence-none = Nadie más en un nodo conectado tiene abierto este documento.
presence-paragraph = párrafo { $number }
document-remark-title = Comentar o proponer una redacción
document-select-hint = Seleccione palabras en el texto para rellenar el campo siguiente, o escríbalas exactamente como figuran.
document-comment-title = Comentario
document-comment = Comentario
document-comment-button = Añadir el comentario
document-quote = Las palabras
document-quote-not-found = Estas palabras no figuran en el texto. Escríbalas exactamente como figuran, o selecciónelas en el texto.
document-suggest-title = Proponer una redacción
document-replacement = Escribir en su lugar
document-replacement-hint = Déjelo vacío para proponer que se supriman las palabras.
document-suggest-button = Proponer
document-comments = Comentarios
document-comments-none = Ningún comentario abierto.
document-comment-n = Comentario { $n }
document-unsigned = Sin firma
document-words-deleted = Estas palabras se han suprimido del texto desde entonces.
document-reply = Respuesta
document-reply-button = Responder
document-resolve = Cerrar
document-reopen = Reabrir
document-resolved-count = Comentarios cerrados: { $n }
document-suggestions = Redacciones propuestas
document-suggestions-none = Ninguna propuesta abierta.
document-decided-count = Aceptadas o rechazadas: { $n }
document-suggest-replace = Sustituir «{ $old }» por «{ $new }»
document-suggest-insert = Insertar «{ $new }»
document-suggest-delete = Suprimir «{ $old }»
document-suggestion-open = Abierta
document-suggestion-accepted = Aceptada
document-suggestion-rejected = Rechazada
document-accept = Aceptar
document-reject = Rechazar
document-inserted = Insertado:
document-deleted = Suprimido:
document-versions = Versiones
document-versions-none = Todavía no se ha nombrado ninguna versión.
document-version-name = Nombre de la versión
document-version-hint = Por ejemplo «enviado al plenario». Designa el texto tal como está ahora.
document-version-button = Nombrar esta versión
document-compare = Comparar versiones
document-compare-now = comparar con el texto actual
document-compare-title = Cambios en «{ $title }»
document-compare-button = Comparar
document-from = Desde
document-to = Hasta
document-now = Texto actual
document-no-such-version = Ninguna versión tiene este nombre.
document-no-changes = El texto es el mismo en ambas versiones.
document-by = por { $name }
document-details = Título y estado
document-export = Exportar
document-export-md = Markdown, solo el texto
document-export-md-comments = Markdown con comentarios y propuestas
document-export-html = Página para imprimir

## El programa para imprimir (/schedule/programme)
programme-title = Programa
programme-link = Programa para imprimir
programme-as-of = Actualizado al { $date }
programme-views = Presentación del programa
programme-by-day = Por día
programme-by-room = Por sala
programme-by-group = Por grupo
programme-print-hint = Imprima esta página con la orden Imprimir del navegador (Ctrl+P, o ⌘P en un Mac); la navegación no se imprime.
programme-time = Horario
programme-none = No hay reuniones.

## The venue listener: the public programme on phones
field-public = Abierta al público
hint-public = Figura en el programa que los participantes consultan en su teléfono en el lugar de la reunión; una sesión privada solo es visible para los miembros.
venue-nav = Vistas del programa
venue-updated = Última actualización a las { $time }
venue-offline = Sin conexión, última actualización a las { $time }
venue-save = Guardar el programa en un solo archivo
venue-all-meetings = Todas las sesiones
venue-by-language = Por idioma
venue-no-rooms = No hay salas.
venue-no-groups = No hay grupos.
venue-meetings = Sesiones
peers-venue-title = Programa para el lugar de la reunión
peers-venue-explain = Los participantes conectados a la misma red abren esta dirección en su teléfono para consultar el programa público; no se requiere iniciar sesión y no se muestra nada más.
peers-venue-qr = Código QR de la dirección del programa

## Configuración de la Mesa (/settings)
settings-title = Configuración de la Mesa
settings-link = Configuración de la Mesa
settings-explain = Esta configuración rige para toda la Mesa y llega al nodo de cada miembro al sincronizarse. Solo un administrador puede modificarla.
settings-interpretation = Normas de interpretación
settings-source = El planificador verifica la interpretación de cada reunión conforme a estas normas. Los valores predeterminados siguen las normas profesionales de la AIIC, la Asociación Internacional de Intérpretes de Conferencia.
settings-booth-solo-max-minutes = Duración máxima de una reunión que un intérprete puede cubrir solo (minutos)
settings-booth-pair-max-minutes = Duración máxima de una reunión que puede cubrir una cabina de dos; a partir de ahí, tres (minutos)
settings-booth-pair-from-languages = Número de idiomas de la reunión a partir del cual cada cabina necesita dos intérpretes
settings-interpreter-daily-minutes = Máximo de minutos en cabina por intérprete y por día
settings-hint = Valor predeterminado: { $default }; de { $min } a { $max }. Déjelo vacío para el valor predeterminado.
settings-err-range = Introduzca un número entero de { $min } a { $max }, o deje el campo vacío para el valor predeterminado.
settings-save = Guardar la configuración
settings-admin-only = Solo un administrador puede modificar esta configuración; este dispositivo no es un dispositivo de administración.
feeds-title = Calendarios suscribibles
feeds-explain = Una aplicación de calendario de este ordenador puede suscribirse a todo el programa, a una sala, a un grupo o a las reuniones de una persona, y sigue cada cambio del buró. Cada dirección lleva su propia clave: no se la dé a nadie.
feeds-programme = Todo el programa
feeds-off = Los calendarios suscribibles están desactivados.
feeds-off-not-admin = Un administrador del buró los activa.
feeds-turn-on = Activar los calendarios suscribibles
feeds-rotate = Crear nuevas direcciones de calendario
feeds-rotate-hint = Todas las direcciones dadas hasta ahora dejan de funcionar, en cada ordenador del buró, en cuanto se sincroniza.
feeds-subscribe = Suscribirse en una aplicación de calendario
feeds-download = Descargar el calendario (.ics)
feeds-address = Dirección del calendario
feeds-address-hint = Pegue esta dirección donde su aplicación de calendario pida una suscripción o un calendario de internet.
feeds-qr = Código QR de la dirección de este calendario
feeds-venue = En un teléfono, en la sede
feeds-venue-hint = Los teléfonos de la red de la sede se suscriben aquí solo a las reuniones públicas.
feeds-venue-qr = Código QR del calendario público en la sede

## The interpretation planner (/interpretation)
nav-interpretation = Interpretación
type-interpreter = Intérprete
interp-title = Plan de interpretación
interp-days = Días del plan
interp-previous-day = Día anterior
interp-next-day = Día siguiente
interp-sheet = Hoja imprimible del día
interp-sheet-title = Hoja de interpretación
interp-caption = Sesiones con interpretación el { $date }
interp-none = Ninguna sesión de este día requiere interpretación.
interp-col-time = Hora
interp-col-meeting = Sesión
interp-col-booths = Cabinas e intérpretes
interp-col-findings = Por verificar
interp-col-day = Jornada
interp-col-booth = Cabina
interp-col-colleagues = Con
interp-no-seats = Ningún intérprete asignado
interp-ok = Nada que señalar
interp-seat = Asignar intérpretes
interp-seat-title = Intérpretes para «{ $meeting }»
interp-booth = Cabina hacia: { $language }
interp-no-languages = Esta sesión aún no tiene idiomas. Indique primero sus idiomas en la página de la sesión.
interp-no-candidates = Aún no hay intérpretes que trabajen hacia este idioma.
interp-combination = A: { $a }; B: { $b }; C: { $c }
interp-interpreters = Intérpretes
interp-no-interpreters = Aún no se ha registrado ningún intérprete.
interp-their-day = Programa de la jornada
interp-day-title = { $name }: { $date }
interp-day-minutes = En cabina este día: { $minutes } min (límite diario: { $limit } min).
interp-day-none = Ninguna asignación este día.
interp-available-always = Disponibilidad no indicada: se considera disponible en todo momento.
interp-available-not = No disponible este día.
interp-available = Disponible este día:
interp-all-day = toda la jornada
interp-findings = Aspectos por verificar
interpreter-new = Nuevo intérprete
interpreter-create = Registrar intérprete
field-a-languages = Idiomas A (lengua materna)
field-b-languages = Idiomas B (activos)
field-c-languages = Idiomas C (pasivos)
hint-a-languages = Idiomas hacia los que el intérprete trabaja desde todos sus demás idiomas.
hint-b-languages = Otros idiomas hacia los que el intérprete trabaja.
hint-c-languages = Idiomas que el intérprete comprende plenamente y desde los que trabaja, nunca hacia ellos.
field-available = Disponibilidad
hint-available = Un día por línea, por ejemplo 2025-11-16 para la jornada completa o 2025-11-16 09:00-13:00 para una parte. Déjelo vacío si el intérprete está disponible en todo momento.
field-team = Equipo
field-booth-count = Número de cabinas
hint-booth-count = Las cabinas de interpretación físicas de esta sala. Si se deja vacío: una por idioma de cabina.
err-availability = «{ $line }» no es un día como 2025-11-16 o 2025-11-16 09:00-13:00.
kind-booths-too-few = Cabinas insuficientes
kind-booth-team-too-small = Equipos de cabina incompletos
kind-interpreter-double-booked = Intérpretes asignados dos veces
kind-interpreter-unavailable = Intérpretes no disponibles
kind-interpreter-language-mismatch = Intérpretes en una cabina inadecuada
kind-relay-needed = Relé necesario
kind-interpreter-overloaded = Intérpretes por encima del límite diario
finding-booths-too-few = «{ $meeting }» requiere { $needed } cabinas, pero la sala { $room } tiene { $count }.
finding-booth-team-too-small = La cabina hacia: { $language } de «{ $meeting }» está incompleta: { $size } intérpretes asignados, { $needed } requeridos.
finding-interpreter-double-booked = { $interpreter } está asignado(a) a «{ $a }» y a «{ $b }» al mismo tiempo.
finding-interpreter-unavailable = { $interpreter } está asignado(a) a «{ $meeting }» pero no está disponible en ese momento.
finding-interpreter-language-mismatch = { $interpreter } está asignado(a) a la cabina hacia: { $language } de «{ $meeting }» pero no trabaja hacia ese idioma.
finding-relay-needed = En «{ $meeting }», la cabina hacia: { $booth } no comprende el idioma del orador ({ $floor }): toma el relé de la cabina hacia: { $from }.
finding-relay-needed-none = En «{ $meeting }», la cabina hacia: { $booth } no comprende el idioma del orador ({ $floor }), y ninguna cabina puede dar relé.
finding-interpreter-overloaded = { $interpreter } tiene asignados { $minutes } min en cabina el { $date }, por encima del límite diario de { $limit } min.

# Calendar feeds: the labels inside a meeting's description in a calendar app.
feed-languages = Idiomas
feed-agenda = Orden del día
feed-booth = Cabina
