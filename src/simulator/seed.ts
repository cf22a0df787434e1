import type { FacebookSim } from './facebook/index.js';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/** A small bakery Page with the cases fbsync handles: threads, a photo-only comment, a hidden author, the Page answering. */
export function seedDemoPage(fb: FacebookSim): { posts: string[] } {
  const launch = fb.addPost({ message: 'Our new rye sourdough is out of the oven! Who wants to try it this weekend?', createdTime: minutesAgo(180) });
  const hours = fb.addPost({ message: 'Holiday opening hours: we are open every day from 7 to 19, including Sundays.', createdTime: minutesAgo(120) });
  fb.addPost({ message: 'Meet Ola, our new pastry chef.', createdTime: minutesAgo(60) });

  const anna = { id: '7001001001', name: 'Anna Kowalska' };
  const piotr = { id: '7001001002', name: 'Piotr Nowak' };
  const first = fb.addComment(launch.id, { from: anna, message: 'Is it gluten free?', createdTime: minutesAgo(170) });
  fb.addComment(first.id, { from: piotr, message: 'It is rye, so no :) but it is delicious', createdTime: minutesAgo(165) });
  fb.addComment(launch.id, { from: piotr, message: '', attachment: { type: 'photo', url: 'https://www.facebook.com/photo.php?fbid=1', imageUrl: 'https://scontent.example/rye.jpg' }, createdTime: minutesAgo(160) });
  fb.addComment(hours.id, { from: anna, message: 'Do you open on 24 December as well?', createdTime: minutesAgo(110) });
  fb.addComment(hours.id, { from: null, message: 'And on the 1st of January?', createdTime: minutesAgo(100) });
  return { posts: [launch.id, hours.id] };
}
