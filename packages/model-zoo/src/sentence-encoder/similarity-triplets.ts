/**
 * (anchor, paraphrase, unrelated-but-topical) triplets written for the sanity evaluation of
 * the sentence encoder. The negatives share words or topic with the anchor on purpose, so
 * the test is about meaning, not word overlap.
 */
export const SIMILARITY_TRIPLETS: [string, string, string][] = [
  ["How do I reset my password?", "I forgot my password and need to change it.", "How do I reset the router?"],
  ["The cat is sleeping on the sofa.", "A kitten naps on the couch.", "The cat food is on the shelf."],
  [
    "The stock market fell sharply today.",
    "Shares dropped a lot in today's trading.",
    "The market sells fresh fish today.",
  ],
  ["Can I bring my dog on the train?", "Are pets allowed on trains?", "The train was late again this morning."],
  ["She is learning to play the piano.", "She takes piano lessons.", "The piano was moved to the hall."],
  ["This restaurant serves excellent pasta.", "The pasta here is delicious.", "The restaurant closes at ten."],
  ["It will rain tomorrow afternoon.", "Expect showers tomorrow after lunch.", "Tomorrow afternoon I have a meeting."],
  ["My laptop battery drains very quickly.", "The notebook's battery runs out fast.", "I bought a new laptop bag."],
  ["The flight to Paris was cancelled.", "Our plane to Paris did not take off.", "Paris is beautiful in spring."],
  ["He scored the winning goal in the final.", "His goal won the championship match.", "He watched the final at home."],
  [
    "Please turn off the lights when you leave.",
    "Switch the lights off on your way out.",
    "The lights in the street are bright.",
  ],
  [
    "The doctor prescribed antibiotics.",
    "I was given antibiotics by my physician.",
    "The doctor's office is downtown.",
  ],
  ["How much does shipping cost?", "What is the delivery fee?", "The ship left the harbour."],
  ["I love hiking in the mountains.", "Mountain trails are my favourite walks.", "The mountains are covered in snow."],
  ["The meeting has been moved to Friday.", "We rescheduled the meeting for Friday.", "Friday is my favourite day."],
  ["Water boils at one hundred degrees Celsius.", "At 100 °C water starts boiling.", "Drink more water every day."],
];
