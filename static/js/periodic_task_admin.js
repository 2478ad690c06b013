// The support admin's periodic task form (django-celery-beat): says in words when the chosen crontab runs.
// Served as a file because the Content Security Policy allows no inline script.
(function ($) {
  if (!$) return
  const data = document.getElementById('readable-crontabs')
  if (!data) return
  const readableCrontabs = JSON.parse(data.textContent)
  const help = $('.field-crontab .help')
  const originalHelp = help.text()

  $('.field-crontab_translation').hide()
  $('.field-crontab').change(function () {
    const translation = readableCrontabs[$('#id_crontab').val()]
    help.text(translation ? `${originalHelp} Translation: ${translation}` : originalHelp)
  })
})(window.django && window.django.jQuery)
