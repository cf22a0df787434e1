import { describe, expect, it } from 'vitest';
import type { FbComment } from '../../src/facebook/types.js';
import {
  commentDescription,
  htmlToText,
  movedDescription,
  replyPostponedNote,
  replyRefusedNote,
  replySentNote,
  sameText,
  statusNote,
} from '../../src/sync/format.js';
import { carriesMarker, commentMarker, commentNoteMarker, replyNoteMarker } from '../../src/sync/markers.js';

// Rule 4: an employee's Planfix comment (rich text) becomes the plain text of the Page's reply.
// The samples look like what Planfix's editor (CKEditor) stores: a paragraph per line typed, <br>
// for Shift+Enter, &nbsp; where spaces were doubled, <blockquote> for a reply with a quote,
// <span class="mention" data-mention="@…"> for a mention.

describe('htmlToText: a Planfix comment as the text Facebook shows', () => {
  it('turns paragraphs and <br> into line breaks, an empty paragraph into one blank line, never more', () => {
    const html =
      '<p>Hello Ann,</p>\n<p>we deliver every day<br>from 9:00 to 18:00.</p>\n<p>&nbsp;</p>\n<p><br></p><p><br></p>\n<p>Best regards,<br />Bakery team</p>';
    expect(htmlToText(html)).toBe('Hello Ann,\nwe deliver every day\nfrom 9:00 to 18:00.\n\nBest regards,\nBakery team');
  });

  it('keeps a link’s address after its text, and prints a link whose text is its address once', () => {
    const html =
      '<p>Our menu is <a href="https://bakery.example/menu" target="_blank">here</a>, the shop at <a href="https://shop.example/">https://shop.example</a>' +
      ' and <a href="https://bakery.example/">bakery.example</a>; write to <a href="mailto:info@bakery.example">info@bakery.example</a>.</p>';
    expect(htmlToText(html)).toBe(
      'Our menu is here (https://bakery.example/menu), the shop at https://shop.example and bakery.example; write to info@bakery.example.',
    );
  });

  it('drops the address of a link into Planfix itself (relative) and keeps its text', () => {
    expect(htmlToText('<p>See <a href="/task/1234">the order</a>.</p>')).toBe('See the order.');
  });

  it('gives list items bullets or numbers, one per line', () => {
    const html = '<p>We have:</p><ul><li>croissants</li><li><b>baguettes</b></li></ul><ol><li>order</li><li>pick up</li></ol><p>Thanks!</p>';
    expect(htmlToText(html)).toBe('We have:\n• croissants\n• baguettes\n1. order\n2. pick up\nThanks!');
  });

  it('reads a table row by row, cells apart', () => {
    const html = '<p>Prices:</p><table><tbody><tr><th>Item</th><th>Price</th></tr>\n<tr><td>Croissant</td> <td><b>2</b> €</td></tr></tbody></table><p>See you!</p>';
    expect(htmlToText(html)).toBe('Prices:\nItem · Price\nCroissant · 2 €\nSee you!');
  });

  it('lets bold, italic and underline markup disappear and keeps the words', () => {
    expect(htmlToText('<p><strong>Yes</strong>, <em>every</em> <b>day</b> <i>until</i> <u>18:00</u> <span style="color:#ff0000">sharp</span>.</p>')).toBe(
      'Yes, every day until 18:00 sharp.',
    );
  });

  it('keeps emoji, typed or stored as entities, and turns &nbsp; into a plain space', () => {
    const text = htmlToText('<p>Thank you&nbsp;so&nbsp;much! 😊 &#x1F370; &#127838;&nbsp;</p>');
    expect(text).toBe('Thank you so much! 😊 🍰 🍞');
    expect(text).not.toContain('\u00a0');
  });

  it('decodes entities', () => {
    expect(htmlToText('<p>Tom &amp; Jerry &lt;3 &quot;fresh&quot; &#39;daily&#39; &hellip; 5&euro; &copy;</p>')).toBe('Tom & Jerry <3 "fresh" \'daily\' … 5€ ©');
  });

  it('leaves out the quoted comment an employee answers with a quote', () => {
    const html =
      '<blockquote><p><b>Ann Lee on Facebook</b>, 2026-11-30 10:15:</p><p>Do you deliver?</p></blockquote><p>Yes, we do.</p>' +
      '<div class="quote">older quote</div>';
    expect(htmlToText(html)).toBe('Yes, we do.');
  });

  it('reduces a mention of an employee to the name', () => {
    // CKEditor's mention markup (Planfix's comment editor is CKEditor).
    expect(htmlToText('<p><span class="mention" data-mention="@Anna Manager">@Anna Manager</span> will call you back.</p>')).toBe('Anna Manager will call you back.');
    expect(htmlToText('<p>Ask <a data-mention="user:5" href="/user/5">@Anna</a>.</p>')).toBe('Ask Anna.');
  });

  it('publishes no picture but keeps an emoji stored as a picture', () => {
    expect(htmlToText('<p>Look <img src="https://x.planfix.com/file/1.png" alt="photo"> <img class="emoji" alt="👍" src="/e/1f44d.png"></p>')).toBe('Look 👍');
  });

  it('keeps the line breaks of a comment written as plain text (no markup at all)', () => {
    expect(htmlToText('Yes.\nEvery day.\r\nSee you')).toBe('Yes.\nEvery day.\nSee you');
  });

  it('leaves no trailing spaces on any line and nothing around the text', () => {
    const text = htmlToText('<p>  one   </p><p>two&nbsp;&nbsp;</p><div> three <br> four </div>');
    expect(text).toBe('one\ntwo\nthree\nfour');
  });

  it('is deterministic: the same comment gives the same text, which sameText matches', () => {
    const html = '<p>Hi <a href="https://x.example/a">there</a></p><ul><li>a</li></ul>';
    const once = htmlToText(html);
    expect(htmlToText(html)).toBe(once);
    expect(sameText(once, `${once.replace(/\n/g, '\n ')} `)).toBe(true);
  });
});

// Rules 3, 4 and 5: what an employee reads in the task's timeline.

const fbComment = (extra: Partial<FbComment> = {}): FbComment => ({
  id: '555_901',
  postId: '104_555',
  from: { id: 'u1', name: 'Ann Smith' },
  message: 'Is the shop <open> on Sunday?',
  createdTime: '2026-01-05T09:15:42+0000',
  isHidden: false,
  permalinkUrl: 'https://www.facebook.com/104/posts/555?comment_id=901',
  ...extra,
});

describe('rule 3: a Facebook comment on the task’s timeline', () => {
  it('rule 3: the comment shows its author, its time, its text and a link back to it on Facebook', () => {
    const text = commentDescription(fbComment(), { authorName: 'Ann Smith' });
    expect(text).toContain('<b>Ann Smith on Facebook</b>, 2026-01-05 09:15 UTC:');
    expect(text).toContain('Is the shop &lt;open&gt; on Sunday?');
    expect(text).toContain('<a href="https://www.facebook.com/104/posts/555?comment_id=901">Open the comment on Facebook</a>');
  });
  it('rule 3, nothing twice: the comment carries its marker, found again after a crash', () => {
    const text = commentDescription(fbComment(), { authorName: 'Ann Smith' });
    expect(carriesMarker(text, commentMarker('555_901'))).toBe(true);
    expect(carriesMarker(text, commentMarker('555_90'))).toBe(false);
  });
  it('rule 3: a photo, sticker or link attachment is shown as a link', () => {
    const photo = commentDescription(fbComment({ attachment: { type: 'photo', url: 'https://fb/photo/1', imageUrl: 'https://cdn/1.jpg' } }), { authorName: 'Ann' });
    expect(photo).toContain('Photo: <a href="https://fb/photo/1">https://fb/photo/1</a> (<a href="https://cdn/1.jpg">image</a>)');
    const sticker = commentDescription(fbComment({ attachment: { type: 'sticker', imageUrl: 'https://cdn/s.png' } }), { authorName: 'Ann' });
    expect(sticker).toContain('Sticker: <a href="https://cdn/s.png">');
    const link = commentDescription(fbComment({ attachment: { type: 'share', url: 'https://example.com/a', title: 'An article' } }), { authorName: 'Ann' });
    expect(link).toContain('Attachment: <a href="https://example.com/a">An article</a>');
  });
  it('rule 3: a comment with only a photo is still a comment', () => {
    const text = commentDescription(fbComment({ message: '', attachment: { type: 'photo', url: 'https://fb/photo/1' } }), { authorName: 'Ann' });
    expect(text).toContain('Photo: <a href="https://fb/photo/1">');
    expect(text).not.toContain('(no text)');
    expect(commentDescription(fbComment({ message: '' }), { authorName: 'Ann' })).toContain('<i>(no text)</i>');
  });
  it('rule 3: a reply inside a thread is marked as a reply to the comment it answers', () => {
    const text = commentDescription(fbComment({ parentId: '555_900' }), { authorName: 'Bob', replyTo: { authorName: 'Ann', text: 'Is it open on Sunday?' } });
    expect(text).toContain('<b>Bob on Facebook</b>, 2026-01-05 09:15 UTC — reply to Ann: «Is it open on Sunday?»:');
  });
  it('rule 4: an answer a page admin typed on Facebook shows as the Page’s answer', () => {
    expect(commentDescription(fbComment(), { authorName: 'Shop', byPage: true })).toContain('<b>Shop (the Page) answered on Facebook</b>');
  });
});

describe('rule 5: edits, deletions and hides as the task shows them', () => {
  it('rule 5: an edited comment shows its new text, marked edited', () => {
    const text = commentDescription(fbComment({ message: 'new words' }), { authorName: 'Ann', edited: true });
    expect(text).toContain('<b>(edited)</b>:');
    expect(text).toContain('new words');
  });
  it('rule 5: a deleted, hidden or unhidden comment is noted, each note with its own marker', () => {
    const c = { id: '555_901' };
    expect(statusNote(c, 'deleted', 'Ann')).toContain('The Facebook comment by Ann was deleted on Facebook.');
    expect(statusNote(c, 'hidden', 'Ann')).toContain('The Facebook comment by Ann was hidden on Facebook.');
    expect(statusNote(c, 'unhidden', 'Ann')).toContain('The Facebook comment by Ann is visible again on Facebook.');
    expect(carriesMarker(statusNote(c, 'hidden', 'Ann'), commentNoteMarker('555_901', 'hidden'))).toBe(true);
    expect(carriesMarker(statusNote(c, 'hidden', 'Ann'), commentMarker('555_901'))).toBe(false);
  });
  it('rule 2: a task whose status refused the post’s comments says where they go now, above the post', () => {
    const text = movedDescription({ id: '104_555', message: 'Post', createdTime: '2026-01-05T08:30:00+0000', updatedTime: '2026-01-05T08:30:00+0000' }, 42);
    expect(text.startsWith('<p><b>New comments on this post now go to task #42.</b></p>Post')).toBe(true);
  });
});

describe('rule 4: the reply shows in the task as sent, refused or postponed', () => {
  it('rule 4: a published reply is marked sent, with a link to it on Facebook', () => {
    const marker = replyNoteMarker(20, '555_901', 'sent');
    const note = replySentNote(marker, 'Ann', 'https://fb/r/1');
    expect(note).toContain('Sent to Facebook as the Page\'s reply to Ann.');
    expect(note).toContain('<a href="https://fb/r/1">See it on Facebook</a>');
    expect(carriesMarker(note, marker)).toBe(true);
  });
  it('rule 4: a refusal is shown with Facebook’s reason, as final', () => {
    const note = replyRefusedNote(replyNoteMarker(20, '555_901', 'refused'), 'Ann', 'the Facebook comment it answers was deleted.');
    expect(note).toContain('Not published on Facebook (reply to Ann): the Facebook comment it answers was deleted. It will not be retried');
  });
  it('rule 4: a temporary block is shown as waiting, to be retried', () => {
    expect(replyPostponedNote(replyNoteMarker(20, '555_901', 'postponed'), 'Ann', '368')).toContain('Not yet on Facebook (reply to Ann)');
    expect(replyPostponedNote('m', 'Ann', '368')).toContain('fbsync will retry');
  });
  it('rule 4, one answer one reply: the sent, refused and postponed marks of one answer are told apart', () => {
    const sent = replyNoteMarker(20, '555_901', 'sent');
    expect(carriesMarker(replyRefusedNote(replyNoteMarker(20, '555_901', 'refused'), 'Ann', 'x'), sent)).toBe(false);
    expect(carriesMarker(replySentNote(replyNoteMarker(20, '555_9011', 'sent'), 'Ann', undefined), sent)).toBe(false);
  });
});
