// Import progress: asks the server every 2 seconds and updates the bar; reloads when the import ends.
// Without JavaScript the page offers a link to refresh it.
const box = document.querySelector('[data-progress-url]')

if (box) {
  const bar = box.querySelector('progress')
  const text = box.querySelector('[data-progress-text]')
  const status = box.querySelector('[data-progress-status]')
  let lastAnnounced = -1

  const check = async () => {
    try {
      const response = await fetch(box.dataset.progressUrl, { credentials: 'same-origin' })
      if (!response.ok) throw new Error(String(response.status))
      const { status: state, progress } = await response.json()
      bar.value = progress
      text.textContent = `${progress}%`
      // Announce every quarter, not every poll, so screen readers are not flooded.
      const quarter = Math.floor(progress / 25)
      if (quarter !== lastAnnounced) {
        status.textContent = `${progress}% imported`
        lastAnnounced = quarter
      }
      if (state !== 'importing') {
        window.location.reload()
        return
      }
    } catch (error) {
      status.textContent = 'Could not check progress. Refresh the page to try again.'
      return
    }
    window.setTimeout(check, 2000)
  }
  window.setTimeout(check, 2000)
}
