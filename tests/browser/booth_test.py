#!/usr/bin/python3
"""The booth page in a real browser: starts `codex serve` on the demo corpus and drives Debian's
headless Chromium through chromedriver (python3-selenium) as a DJ would: search, pick a track,
type a prompt, click a suggestion, go back and forward, accept, pick with the keyboard, audition,
analyse a folder; then checks the page and the set's history through the API. Screenshots go to
--out. Exit status 0 when every check passed."""
import argparse
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import wave

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import Select, WebDriverWait

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def write_tone(path, seconds=12, rate=22050, bpm=124):
    """A kick-like click track with a tone: enough for the analysers."""
    frames = bytearray()
    beat = 60.0 / bpm
    for i in range(int(seconds * rate)):
        t = i / rate
        k = t % beat
        s = 0.3 * math.sin(2 * math.pi * 220 * t) + (0.8 * math.exp(-k * 30) * math.sin(2 * math.pi * 60 * k))
        frames += struct.pack('<h', int(max(-1, min(1, s)) * 20000))
    with wave.open(path, 'wb') as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--codex', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--chromium', default='/usr/bin/chromium')
    ap.add_argument('--chromedriver', default='/usr/bin/chromedriver')
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for f in os.listdir(a.out):
        if f.endswith('.png'):
            os.remove(os.path.join(a.out, f))
    work = tempfile.mkdtemp(prefix='codex_booth_')
    db = os.path.join(work, 'demo.db')
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(work, 'config'))
    demo = subprocess.run([a.codex, 'demo', '--db', db, '--dir', os.path.join(work, 'demo')], capture_output=True,
                          text=True, env=env, timeout=600)
    if not check(demo.returncode == 0, 'the demo corpus is built'):
        print(demo.stderr)
        return 1
    # A crate from the DJ's own software (an M3U playlist): eight demo tracks.
    truth = json.load(open(os.path.join(work, 'demo', 'ground_truth.json')))
    crate = truth[::4]
    crate_titles = sorted(t['title'] for t in crate)
    with open(os.path.join(work, 'Peak crate.m3u'), 'w') as f:
        f.write('#EXTM3U\n' + ''.join(os.path.join('demo', t['file']) + '\n' for t in crate))
    imp = subprocess.run([a.codex, 'library', 'import', os.path.join(work, 'Peak crate.m3u'), '--db', db], capture_output=True,
                         text=True, env=env, timeout=120)
    if not check(imp.returncode == 0 and '8 matched' in imp.stdout, 'a crate is imported: ' + imp.stdout.strip().replace('\n', ' | ')):
        print(imp.stderr)
        return 1
    server_err = open(os.path.join(work, 'serve.err'), 'w+')
    server = subprocess.Popen([a.codex, 'serve', '--db', db, '--port', '0'], stdout=subprocess.PIPE,
                              stderr=server_err, text=True, env=env)
    driver = None
    try:
        line = server.stdout.readline()
        m = re.search(r'(http://127\.0\.0\.1:\d+/)', line)
        if not check(m is not None, 'codex serve prints its address: ' + line.strip()):
            return 1
        base = m.group(1)

        def api(path, body=None):
            req = urllib.request.Request(base.rstrip('/') + path, data=json.dumps(body).encode() if body else None,
                                         headers={'Content-Type': 'application/json'} if body else {})
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.load(r)

        opts = webdriver.ChromeOptions()
        opts.binary_location = a.chromium
        for flag in ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                     '--disable-background-networking', '--disable-component-update', '--disable-sync',
                     '--disable-dev-shm-usage', '--window-size=1440,1800', '--autoplay-policy=no-user-gesture-required',
                     '--user-data-dir=' + os.path.join(work, 'chrome')]:
            opts.add_argument(flag)
        driver = webdriver.Chrome(service=Service(a.chromedriver), options=opts)
        # The page redraws chips, cards and the plane as answers arrive: an element found a moment
        # before may be gone, so a wait retries then.
        wait = WebDriverWait(driver, 20, ignored_exceptions=[StaleElementReferenceException])
        shot_n = [0]

        def card_ids(d):
            return d.execute_script("return [...document.querySelectorAll('#cards li.card')].map(c => c.dataset.trackId)")

        def table_settled(d):
            return d.find_element(By.TAG_NAME, 'body').get_attribute('data-table-busy') == '0'

        def shot(name):
            shot_n[0] += 1
            path = os.path.join(a.out, '%02d-%s.png' % (shot_n[0], name))
            driver.save_screenshot(path)
            print('     screenshot ' + path)

        t0 = time.time()
        driver.get(base)
        wait.until(lambda d: d.find_element(By.TAG_NAME, 'body').get_attribute('data-ready') == '1')
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '#rows tr')) > 0)
        load_s = time.time() - t0
        check(True, 'the page loads and lists the library in %.2f s' % load_s)
        rows = driver.find_elements(By.CSS_SELECTOR, '#rows tr')
        check(len(rows) == 32, 'the table shows the 32 demo tracks (%d)' % len(rows))
        check('32 tracks' in driver.find_element(By.ID, 'health').text, 'the header shows the library size')
        check(driver.find_element(By.CSS_SELECTOR, '#wheel path') is not None, 'the Camelot wheel is drawn')
        shot('loaded')

        # Search with the keyboard shortcut.
        driver.find_element(By.TAG_NAME, 'body').send_keys('/')
        check(driver.switch_to.active_element.get_attribute('id') == 'search', '/ focuses the search box')
        driver.switch_to.active_element.send_keys('hollow')
        wait.until(lambda d: table_settled(d) and 0 < len(d.find_elements(By.CSS_SELECTOR, '#rows tr')) < 32)
        rows = driver.find_elements(By.CSS_SELECTOR, '#rows tr')
        check(all('hollow' in r.text.lower() for r in rows), 'every row found matches "hollow" (%d rows)' % len(rows))
        shot('search')

        # Filters: a BPM range.
        driver.find_element(By.ID, 'search').clear()
        driver.find_element(By.ID, 'search').send_keys(Keys.BACKSPACE)
        driver.find_element(By.ID, 'bpm-min').send_keys('120')
        driver.find_element(By.ID, 'bpm-max').send_keys('130')
        time.sleep(0.2)
        wait.until(table_settled)
        bpms = [float(r.find_elements(By.TAG_NAME, 'td')[2].text) for r in driver.find_elements(By.CSS_SELECTOR, '#rows tr')]
        check(bpms and all(120 <= b <= 130 for b in bpms), 'the BPM filter keeps 120-130 only (%s)' % bpms)
        driver.find_element(By.ID, 'bpm-min').clear()
        driver.find_element(By.ID, 'bpm-max').clear()
        driver.find_element(By.ID, 'search').send_keys('hollow')
        time.sleep(0.2)
        wait.until(lambda d: table_settled(d) and 0 < len(d.find_elements(By.CSS_SELECTOR, '#rows tr')) < 32)

        # Pick a track: select it, see its overview, play it now.
        first = driver.find_elements(By.CSS_SELECTOR, '#rows tr')[0]
        first_id = first.get_attribute('data-track-id')
        first.click()
        wait.until(lambda d: d.find_element(By.ID, 'detail-meta').text != '')
        painted = driver.execute_script(
            "const c=document.getElementById('wave');const d=c.getContext('2d').getImageData(0,0,c.width,c.height).data;"
            "let n=0;for(let i=3;i<d.length;i+=4){if(d[i]>0)n++;}return n;")
        check(painted > 1000, 'the waveform overview is drawn (%d pixels)' % painted)
        driver.find_element(By.ID, 'play-now').click()
        wait.until(lambda d: d.find_element(By.ID, 'now-body').get_attribute('data-track-id') == first_id)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '#cards li.card')) == 5)
        check(True, 'playing a track shows it as now playing and five suggestions')
        cur_key = driver.find_element(By.CSS_SELECTOR, '#wheel path[data-current]').get_attribute('data-key')
        check(cur_key in driver.find_element(By.ID, 'now-body').text, 'the wheel lights the current key %s' % cur_key)
        check(len(driver.find_elements(By.CSS_SELECTOR, '#wheel path[data-compatible]')) >= 3,
              'the wheel lights compatible keys')
        shot('now-playing')

        # A prompt: what was understood shows as chips.
        before = card_ids(driver)
        p = driver.find_element(By.ID, 'prompt')
        p.send_keys('darker but keep the energy' + Keys.ENTER)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '#chips .chip')) >= 2)
        chips = [c.text for c in driver.find_elements(By.CSS_SELECTOR, '#chips .chip')]
        check('darker' in chips and 'keep the energy' in chips, 'the prompt shows what was understood: %s' % chips)
        cards = driver.find_elements(By.CSS_SELECTOR, '#cards li.card')
        check(len(cards) == 5, 'five suggestions for the prompt')
        check(all(c.find_elements(By.CSS_SELECTOR, '.pill') for c in cards), 'every card has reason pills')
        scores = [float(c.find_element(By.CSS_SELECTOR, '.card-score').text) for c in cards]
        check(scores == sorted(scores, reverse=True), 'cards are in score order %s' % scores)
        after = [c.get_attribute('data-track-id') for c in cards]
        print('     before prompt %s, after %s' % (before, after))
        shot('prompt')

        # The mood plane: now playing and the five cards on valence x arousal; "sadder" moves them left
        # (or "happier" right, from a sad track).
        check(len(driver.find_elements(By.CSS_SELECTOR, '#plane circle[data-now]')) == 1, 'the mood plane shows now playing')
        check(len(driver.find_elements(By.CSS_SELECTOR, '#plane circle[data-card]')) == 5, 'the mood plane shows the five cards')
        attr = lambda sel, a: driver.execute_script(
            'return Array.from(document.querySelectorAll(arguments[0])).map((e) => e.getAttribute(arguments[1]))', sel, a)
        texts = lambda sel: driver.execute_script(
            'return Array.from(document.querySelectorAll(arguments[0])).map((e) => e.textContent)', sel)
        now_x = float(attr('#plane circle[data-now]', 'cx')[0])
        word = 'sadder' if now_x > 0 else 'happier'
        p.clear()
        p.send_keys(word + Keys.ENTER)
        wait.until(lambda d: word in texts('#chips .chip'))
        wait.until(lambda d: len(attr('#plane circle[data-card]', 'cx')) == 5 and
                   any(x.startswith(word + ':') for x in texts('#cards .pill')))
        card_x = [float(x) for x in attr('#plane circle[data-card]', 'cx')]
        moved = sum((x < now_x) if word == 'sadder' else (x > now_x) for x in card_x)
        check(moved >= 4, '%s: the cards move that way on the plane (now %.0f: %s)' % (word, now_x, card_x))
        pills = texts('#cards .pill')
        check(any(x.startswith(word + ': valence') for x in pills), 'the cards name the mood move: %s' % [x for x in pills if word in x][:2])
        shot('mood')

        # A crate as a filter: every suggestion comes from it; "all tracks" lifts it.
        mood_cards = card_ids(driver)
        crate_select = Select(driver.find_element(By.ID, 'crate'))
        check(driver.find_element(By.ID, 'crate').is_displayed(), 'the crate filter shows when crates are imported')
        crate_select.select_by_value('Peak crate')
        card_titles = lambda d: d.execute_script("return [...document.querySelectorAll('#cards li.card .card-title')].map(e => e.textContent)")
        wait.until(lambda d: card_titles(d) and all(any(c in t for c in crate_titles) for t in card_titles(d)))
        got = card_titles(driver)
        check(got and all(any(c in t for c in crate_titles) for t in got), 'with the crate, every card is from it: %s' % got)
        shot('crate')
        crate_select.select_by_value('')
        wait.until(lambda d: card_ids(d) == mood_cards)
        check(True, 'all tracks again: the same cards as before the crate')
        cards = driver.find_elements(By.CSS_SELECTOR, '#cards li.card')

        # Click a suggestion: it becomes now playing (a preview), with back and forward.
        pick = cards[0]
        pick_id = pick.get_attribute('data-track-id')
        pick.find_element(By.CSS_SELECTOR, '.card-title').click()
        wait.until(lambda d: d.find_element(By.ID, 'now-body').get_attribute('data-track-id') == pick_id)
        check('preview' in driver.find_element(By.ID, 'now-label').text.lower(), 'a clicked suggestion is previewed as now playing')
        driver.find_element(By.ID, 'back').click()
        wait.until(lambda d: d.find_element(By.ID, 'now-body').get_attribute('data-track-id') == first_id)
        check(True, 'back returns to the track played before')
        driver.find_element(By.ID, 'forward').click()
        wait.until(lambda d: d.find_element(By.ID, 'now-body').get_attribute('data-track-id') == pick_id)
        check(True, 'forward returns to the suggestion')
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '#cards li.card')) > 0)
        shot('preview')

        # Accept it (Enter): it is played in the set.
        driver.find_element(By.TAG_NAME, 'body').send_keys(Keys.ENTER)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '#plays li')) == 2)
        check(driver.find_element(By.ID, 'now-label').text.lower() == 'now playing', 'Enter accepts the previewed track')
        check(driver.find_element(By.ID, 'now-actions').get_attribute('hidden') is not None,
              'an accepted track no longer offers accept/skip')
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '#cards li.card')) > 1)

        # Keyboard: 2 picks the second card, Enter accepts it.
        cards = driver.find_elements(By.CSS_SELECTOR, '#cards li.card')
        second_id = cards[1].get_attribute('data-track-id')
        check(second_id not in (first_id, pick_id), 'played tracks are not suggested again')
        driver.find_element(By.TAG_NAME, 'body').send_keys('2')
        wait.until(lambda d: 'picked' in d.find_elements(By.CSS_SELECTOR, '#cards li.card')[1].get_attribute('class'))
        driver.switch_to.active_element.send_keys(Keys.ENTER)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '#plays li')) == 3)
        check(driver.find_element(By.ID, 'now-body').get_attribute('data-track-id') == second_id,
              '2 then Enter accepts the second suggestion')

        # Skip a card: it goes, and is not suggested again.
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '#cards li.card')) > 1)
        cards = driver.find_elements(By.CSS_SELECTOR, '#cards li.card')
        skipped = cards[0].get_attribute('data-track-id')
        cards[0].find_element(By.CSS_SELECTOR, 'button.skip').click()
        wait.until(lambda d: skipped not in card_ids(d) and len(card_ids(d)) > 0)
        check(True, 'a skipped suggestion leaves the cards')
        polylines = driver.find_elements(By.CSS_SELECTOR, '#setline polyline')
        check(len(polylines) == 2, 'the set so far is drawn as energy and BPM lines')
        check(len(driver.find_elements(By.CSS_SELECTOR, '#plane polyline[data-series=set]')) == 1,
              'the set so far is a path on the mood plane')
        shot('accepted')

        # The history, as the API has it.
        session = driver.find_element(By.ID, 'session').get_attribute('value')
        hist = api('/api/now?session=' + urllib.request.quote(session))
        played = [p['track_id'] for p in hist['plays']]
        check(played == [first_id, pick_id, second_id], 'the set history is the three tracks in order: %s' % played)
        actions = [(f['action'], f['track_id']) for f in hist['feedback']]
        check(('accept', pick_id) in actions and ('accept', second_id) in actions and ('skip', skipped) in actions,
              'accepts and the skip are recorded: %s' % actions)

        # Audition: the audio is range-served and plays.
        driver.find_element(By.ID, 'audition').click()
        ok = False
        for _ in range(40):
            st = driver.execute_script("const a=document.getElementById('audio');return [a.readyState,a.duration,a.currentTime,a.paused,a.error&&a.error.code];")
            if st[0] >= 1 and st[1] and st[1] > 0:
                ok = True
                break
            time.sleep(0.25)
        check(ok, 'audition loads the track in the browser (readyState, duration, time, paused, error = %s)' % st)
        driver.find_element(By.ID, 'audition').click()

        # Analyse a folder from the page, with progress.
        music = os.path.join(work, 'new_music')
        os.makedirs(music)
        for i in range(3):
            write_tone(os.path.join(music, 'tone%d.wav' % i), bpm=118 + 4 * i)
        with open(os.path.join(music, 'broken.mp3'), 'wb') as f:
            f.write(b'not audio at all')
        driver.find_element(By.ID, 'job-folder').send_keys(music)
        driver.find_element(By.CSS_SELECTOR, '#job-form button[type=submit]').click()
        WebDriverWait(driver, 120).until(lambda d: d.find_element(By.ID, 'job-text').text.startswith('done'))
        text = driver.find_element(By.ID, 'job-text').text
        check('3 analysed' in text and '1 failed' in text, 'the analysis job shows its progress and result: ' + text)
        WebDriverWait(driver, 30).until(lambda d: '35 tracks' in d.find_element(By.ID, 'health').text)
        check(True, 'the new tracks reach the library')
        driver.execute_script("window.scrollTo(0, 0)")
        shot('analysed')
        driver.set_window_size(1440, 3000)
        shot('full-page')
        logs = [l for l in driver.get_log('browser') if l['level'] == 'SEVERE']
        check(not logs, 'no errors in the browser console: %s' % logs)
    finally:
        if driver:
            driver.quit()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        server_err.seek(0)
        err = server_err.read()
        server_err.close()
        if failures and err:
            print('codex serve said:\n' + err)
        shutil.rmtree(work, ignore_errors=True)
    print('%d failures' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
