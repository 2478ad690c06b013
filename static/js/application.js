/**
 * SEND Commissioning – application JavaScript (ES module).
 *
 * Source: frontend/js/application.js, copied to static/js/application.js by
 * `npm run build`. Load it with:
 *
 *   <script type="module" src="{% static 'js/application.js' %}"></script>
 *
 * There are no inline scripts anywhere (Content Security Policy), so this
 * module also adds the `js-enabled` / `govuk-frontend-supported` body classes
 * that GOV.UK Frontend's page template normally adds with an inline script.
 */
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')

try {
  initAll()
} catch (error) {
  console.error(error)
}

initSessionTimeout(document.body)

/* --------------------------------------------------------------------------
 * Session timeout warning
 *
 * Modelled on the HMRC / GOV.UK timeout warning pattern. Contract (rendered
 * by the base template when a user is signed in):
 *
 *   <body data-session-timeout="1800" data-session-warning="300">
 *   <dialog class="app-timeout-dialog" id="session-timeout-dialog" ...>
 *     <h2 id="session-timeout-heading">…</h2>
 *     <p id="session-timeout-message">… <span data-timeout-countdown>5 minutes</span>.</p>
 *     <form method="post" action="/accounts/keep-alive/" data-timeout-keepalive>…</form>
 *     <form method="post" action="/accounts/logout/">…</form>   (sign out)
 *   </dialog>
 *
 * Without JavaScript nothing happens: the server expires the session anyway.
 * ------------------------------------------------------------------------ */

const STORAGE_KEY = 'send-commissioning:session-activity'

/**
 * Turn seconds remaining into the countdown text: whole minutes (rounded up)
 * while a minute or more is left, then seconds.
 *
 * @param {number} seconds - Seconds remaining
 * @returns {string} For example "5 minutes", "1 minute", "59 seconds"
 */
function formatRemaining (seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return `${minutes} minute${minutes === 1 ? '' : 's'}`
  }
  const secs = Math.max(0, seconds)
  return `${secs} second${secs === 1 ? '' : 's'}`
}

/**
 * Which announcement "bucket" we are in. Screen readers are told about the
 * countdown only when this changes: once per minute, then at 30 and 10
 * seconds – never every second.
 *
 * @param {number} seconds - Seconds remaining
 * @returns {string} Bucket key
 */
function announcementBucket (seconds) {
  if (seconds > 60) return `m${Math.ceil(seconds / 60)}`
  if (seconds > 30) return 'm1'
  if (seconds > 10) return 's30'
  return 's10'
}

/**
 * Submit a form without firing its submit event (and without being fooled by
 * a control called "submit").
 *
 * @param {HTMLFormElement} form - Form to submit
 */
function submitForm (form) {
  HTMLFormElement.prototype.submit.call(form)
}

function readStoredActivity () {
  try {
    const value = Number(window.localStorage.getItem(STORAGE_KEY))
    return Number.isFinite(value) ? value : 0
  } catch {
    return 0
  }
}

function storeActivity (time) {
  try {
    window.localStorage.setItem(STORAGE_KEY, String(time))
  } catch {
    // Storage may be unavailable (private browsing, blocked); not essential
  }
}

/**
 * @param {HTMLElement} body - The <body> element
 */
function initSessionTimeout (body) {
  const timeoutSeconds = parseInt(body.dataset.sessionTimeout ?? '', 10)
  if (!(timeoutSeconds > 0)) return

  const dialog = document.getElementById('session-timeout-dialog') ??
    document.querySelector('dialog.app-timeout-dialog')
  if (!(dialog instanceof HTMLDialogElement) || typeof dialog.showModal !== 'function') return

  const parsedWarning = parseInt(body.dataset.sessionWarning ?? '', 10)
  const warningSeconds = Math.min(
    timeoutSeconds,
    Number.isFinite(parsedWarning) && parsedWarning >= 0 ? parsedWarning : 300
  )

  const heading = dialog.querySelector('#session-timeout-heading') ?? dialog.querySelector('h1, h2, h3')
  const message = dialog.querySelector('#session-timeout-message')
  const countdown = dialog.querySelector('[data-timeout-countdown]')
  const keepAliveForm = dialog.querySelector('form[data-timeout-keepalive]')
  const signOutForm = dialog.querySelector('form[data-timeout-signout]') ??
    dialog.querySelector('form:not([data-timeout-keepalive])')

  if (heading) heading.setAttribute('tabindex', '-1')

  // Polite live region inside the dialog (content outside a modal dialog is
  // inert, so a region elsewhere on the page would not be announced)
  const announcer = document.createElement('div')
  announcer.className = 'govuk-visually-hidden'
  announcer.setAttribute('aria-live', 'polite')
  announcer.setAttribute('aria-atomic', 'true')
  announcer.dataset.timeoutAnnouncer = ''
  dialog.append(announcer)

  let startedAt = 0
  let warnTimer = 0
  let tickTimer = 0
  let lastBucket = ''
  let returnFocusTo = null
  let keepAliveInFlight = false
  let expectingClose = false
  let stopped = false

  function clearTimers () {
    window.clearTimeout(warnTimer)
    window.clearInterval(tickTimer)
    warnTimer = 0
    tickTimer = 0
  }

  function expiresAt () {
    return startedAt + timeoutSeconds * 1000
  }

  function restart (from = Date.now()) {
    if (stopped) return
    clearTimers()
    startedAt = from
    lastBucket = ''
    tick()
  }

  function stop () {
    stopped = true
    clearTimers()
  }

  function updateCountdown (seconds) {
    const text = formatRemaining(seconds)
    if (countdown && countdown.textContent !== text) {
      countdown.textContent = text
    }

    const bucket = announcementBucket(seconds)
    if (bucket !== lastBucket) {
      // The first value is read out with the dialog (aria-describedby), so
      // only announce later changes
      if (lastBucket) {
        const sentence = message ? message.textContent.replace(/\s+/g, ' ').trim() : text
        announcer.textContent = sentence
      }
      lastBucket = bucket
    }
  }

  function openDialog (seconds) {
    returnFocusTo = document.activeElement
    announcer.textContent = ''
    updateCountdown(seconds)
    try {
      dialog.showModal()
    } catch (error) {
      console.error(error)
      return
    }
    if (heading) heading.focus()
  }

  function closeDialog () {
    if (dialog.open) {
      // The close event fires asynchronously: remember that we caused it
      expectingClose = true
      dialog.close()
    }
    announcer.textContent = ''
    if (returnFocusTo instanceof HTMLElement && returnFocusTo.isConnected && returnFocusTo !== document.body) {
      returnFocusTo.focus()
    }
    returnFocusTo = null
  }

  function tick () {
    if (stopped) return
    const remainingMs = expiresAt() - Date.now()
    if (remainingMs <= 0) {
      signOut()
      return
    }

    // Not yet time to warn: sleep until it is
    if (remainingMs > warningSeconds * 1000) {
      clearTimers()
      warnTimer = window.setTimeout(tick, remainingMs - warningSeconds * 1000)
      return
    }

    const seconds = Math.ceil(remainingMs / 1000)
    if (!dialog.open && !keepAliveInFlight) {
      openDialog(seconds)
    } else {
      updateCountdown(seconds)
    }

    if (!tickTimer) {
      tickTimer = window.setInterval(tick, 1000)
    }
  }

  function signOut () {
    stop()
    if (!signOutForm) {
      window.location.reload()
      return
    }
    if (!signOutForm.querySelector('input[name="timeout"]')) {
      const input = document.createElement('input')
      input.type = 'hidden'
      input.name = 'timeout'
      input.value = '1'
      signOutForm.append(input)
    }
    submitForm(signOutForm)
  }

  async function keepAlive () {
    if (keepAliveInFlight || stopped) return
    if (!keepAliveForm) {
      closeDialog()
      restart()
      return
    }

    keepAliveInFlight = true
    // Same encoding as a normal form submission, so Django reads request.POST
    const formData = new URLSearchParams(new FormData(keepAliveForm))
    const csrfToken = formData.get('csrfmiddlewaretoken')
    const headers = { 'X-Requested-With': 'fetch' }
    if (typeof csrfToken === 'string' && csrfToken) headers['X-CSRFToken'] = csrfToken

    let ok = false
    let sessionGone = false
    try {
      const response = await fetch(keepAliveForm.action, {
        method: 'POST',
        body: formData,
        credentials: 'same-origin',
        headers
      })
      // A redirect (for example to the sign-in page) means the session did
      // not survive: let the browser follow the normal form submission
      ok = response.ok && !response.redirected
      // 401/403: already signed out on the server (for example the computer
      // was asleep). Sign out here too, so the sign-in page can say why,
      // rather than showing an error page.
      sessionGone = response.status === 401 || response.status === 403
    } catch {
      ok = false
    }
    keepAliveInFlight = false

    if (sessionGone) {
      signOut()
      return
    }

    if (!ok) {
      stop()
      submitForm(keepAliveForm)
      return
    }

    const now = Date.now()
    storeActivity(now)
    closeDialog()
    restart(now)
  }

  // "Stay signed in"
  keepAliveForm?.addEventListener('submit', (event) => {
    event.preventDefault()
    keepAlive()
  })

  // "Sign out" pressed by the user: stop the countdown, let the form submit
  signOutForm?.addEventListener('submit', () => {
    stop()
  })

  // Escape: same as "Stay signed in". Browsers may refuse to let us cancel
  // the close (no user activation since the dialog opened), so the close
  // event is handled too.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    keepAlive()
  })

  dialog.addEventListener('close', () => {
    if (expectingClose) {
      expectingClose = false
      return
    }
    if (!stopped) keepAlive()
  })

  // Another tab (same browser) loaded a page or kept the session alive: the
  // server session was extended, so follow it
  function syncWithOtherTabs () {
    const lastActivity = readStoredActivity()
    if (!stopped && lastActivity > startedAt && lastActivity <= Date.now()) {
      if (dialog.open) closeDialog()
      restart(lastActivity)
    }
  }

  window.addEventListener('storage', (event) => {
    if (event.key === STORAGE_KEY) syncWithOtherTabs()
  })

  // Timers are throttled in background tabs: re-check when the page is shown
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && !stopped) {
      syncWithOtherTabs()
      tick()
    }
  })

  // Restored from the back/forward cache: the timers are stale
  window.addEventListener('pageshow', (event) => {
    if (event.persisted && !stopped) {
      syncWithOtherTabs()
      tick()
    }
  })

  const now = Date.now()
  storeActivity(now)
  restart(now)
}
